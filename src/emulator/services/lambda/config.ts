import type { CreateFunctionRequest, DeadLetterConfig, Environment } from '@aws-sdk/client-lambda';
import { AwsError } from '../../core/errors.js';
import type { Emulator } from '../../emulator.js';
import { invalidParameter, validationError } from './common.js';
import { roleAllows } from './roles.js';

/** The runtimes this sandbox runs: each on the host's Node.js (see runtime/). */
export const SUPPORTED_RUNTIMES = ['nodejs18.x', 'nodejs20.x', 'nodejs22.x'];

/** Lambda's current runtime identifiers, in the order its error message lists them. */
const AWS_RUNTIMES = [
  'nodejs20.x', 'python3.14', 'provided.al2023', 'python3.12', 'python3.13', 'nodejs24.x', 'nodejs22.x', 'java25', 'python3.10',
  'python3.11', 'java21', 'ruby3.3', 'ruby3.4', 'ruby3.2', 'python3.8', 'python3.9', 'java17', 'nodejs16.x', 'dotnet10', 'dotnet8',
  'java11', 'dotnet6', 'nodejs18.x', 'provided.al2', 'java8.al2',
];
const DEPRECATED = new Set(['nodejs16.x', 'python3.8', 'dotnet6']);

export function checkRuntime(runtime: string | undefined): void {
  if (runtime === undefined) return;
  if (!AWS_RUNTIMES.includes(runtime)) {
    throw invalidParameter(`Value ${runtime} at 'runtime' failed to satisfy constraint: Member must satisfy enum value set: [${AWS_RUNTIMES.join(', ')}] or be a valid ARN`);
  }
  if (DEPRECATED.has(runtime)) {
    throw invalidParameter(
      `The runtime parameter of ${runtime} is no longer supported for creating or updating AWS Lambda functions. We recommend you use a supported runtime while creating or updating functions.`,
    );
  }
  if (!SUPPORTED_RUNTIMES.includes(runtime)) {
    throw invalidParameter(`awslings: the sandbox runs Node.js functions only (${SUPPORTED_RUNTIMES.join(', ')}); ${runtime} is not available.`);
  }
}

const ROLE = /^arn:(aws[a-zA-Z-]*)?:iam::\d{12}:role\/?[a-zA-Z_0-9+=,.@\-_/]+$/;

export function checkRoleArn(role: string | undefined): void {
  if (role !== undefined && !ROLE.test(role)) {
    throw validationError(role, 'role', 'Member must satisfy regular expression pattern: arn:(aws[a-zA-Z-]*)?:iam::\\d{12}:role/?[a-zA-Z_0-9+=,.@\\-_/]+');
  }
}

function range(value: number | undefined, member: string, min: number, max: number): void {
  if (value === undefined) return;
  if (value < min) throw validationError(String(value), member, `Member must have value greater than or equal to ${min}`);
  if (value > max) throw validationError(String(value), member, `Member must have value less than or equal to ${max}`);
}

export function checkSizes(input: Pick<CreateFunctionRequest, 'Timeout' | 'MemorySize' | 'EphemeralStorage' | 'Architectures'>): void {
  range(input.Timeout, 'timeout', 1, 900);
  range(input.MemorySize, 'memorySize', 128, 10240);
  range(input.EphemeralStorage?.Size, 'ephemeralStorage.size', 512, 10240);
  const arch = input.Architectures;
  if (arch !== undefined) {
    if (arch.length > 1) throw validationError(`[${arch.join(', ')}]`, 'architectures', 'Member must have length less than or equal to 1');
    if (arch.some((a) => a !== 'x86_64' && a !== 'arm64')) {
      throw validationError(`[${arch.join(', ')}]`, 'architectures', 'Member must satisfy constraint: [Member must satisfy enum value set: [x86_64, arm64], Member must not be null]');
    }
  }
}

const RESERVED_VARIABLES = [
  '_HANDLER', '_X_AMZN_TRACE_ID', 'AWS_DEFAULT_REGION', 'AWS_REGION', 'AWS_EXECUTION_ENV', 'AWS_LAMBDA_FUNCTION_NAME',
  'AWS_LAMBDA_FUNCTION_MEMORY_SIZE', 'AWS_LAMBDA_FUNCTION_VERSION', 'AWS_LAMBDA_INITIALIZATION_TYPE', 'AWS_LAMBDA_LOG_GROUP_NAME',
  'AWS_LAMBDA_LOG_STREAM_NAME', 'AWS_ACCESS_KEY', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN',
  'AWS_LAMBDA_RUNTIME_API', 'LAMBDA_TASK_ROOT', 'LAMBDA_RUNTIME_DIR',
];

/** Environment variables: at most 4 KB together, and none of the names Lambda sets itself. */
export function checkEnvironment(env: Environment | undefined): void {
  const vars = env?.Variables;
  if (!vars) return;
  const reserved = Object.keys(vars).filter((k) => RESERVED_VARIABLES.includes(k));
  if (reserved.length) {
    throw invalidParameter(
      `Lambda was unable to configure your environment variables because the environment variables you have provided contains reserved keys that are currently not supported for modification. Reserved keys used in this request: ${reserved.join(', ')}`,
    );
  }
  const measured = JSON.stringify(vars);
  if (Buffer.byteLength(measured) > 4096) {
    throw invalidParameter(
      `Lambda was unable to configure your environment variables because the environment variables you have provided exceeded the 4KB limit. String measured: ${measured}`,
    );
  }
}

/** A DLQ must be an SQS queue or SNS topic the execution role may send to. */
export async function checkDeadLetter(emulator: Emulator, dlq: DeadLetterConfig | undefined, role: string, region: string): Promise<void> {
  const target = dlq?.TargetArn;
  if (!target) return;
  const service = target.split(':')[2];
  if (service !== 'sqs' && service !== 'sns') {
    throw invalidParameter(`The provided target arn ${target} is invalid. Please provide a valid SQS queue or SNS topic arn.`);
  }
  const action = service === 'sqs' ? 'sqs:SendMessage' : 'sns:Publish';
  if (!(await roleAllows(emulator, role, action, target, region))) {
    throw invalidParameter(`The provided execution role does not have permissions to call ${service === 'sqs' ? 'SendMessage on SQS' : 'Publish on SNS'}`);
  }
}

export function checkTagCount(count: number): void {
  if (count > 50) throw invalidParameter('Number of tags exceeds resource tag limit.');
}

/** The parts of the API the sandbox does not have, named plainly rather than ignored. */
export function checkUnsupported(input: Pick<CreateFunctionRequest, 'PackageType' | 'Layers' | 'FileSystemConfigs' | 'CodeSigningConfigArn'>): void {
  if (input.PackageType === 'Image') throw invalidParameter('awslings: container image functions are not available in the sandbox; use PackageType Zip.');
  if (input.Layers?.length) throw invalidParameter('awslings: layers are not available in the sandbox; include the code in the function\'s .zip file.');
  if (input.FileSystemConfigs?.length) throw invalidParameter('awslings: EFS file systems are not available in the sandbox.');
  if (input.CodeSigningConfigArn) throw new AwsError('CodeSigningConfigNotFoundException', `awslings: code signing is not available in the sandbox: ${input.CodeSigningConfigArn}`);
}
