import type { CreateFunctionRequest, FunctionConfiguration } from '@aws-sdk/client-lambda';
import { AwsError } from '../../core/errors.js';
import { uuid } from '../../core/ids.js';
import { operation, type RequestContext } from '../../core/service.js';
import { storeCode } from './code.js';
import { conflict, codeSha256, functionArn, invalidParameter, lambdaDate, parseFunctionName, viewOf } from './common.js';
import { checkDeadLetter, checkEnvironment, checkRoleArn, checkRuntime, checkSizes, checkTagCount, checkUnsupported } from './config.js';
import { runtimeOf } from './execution.js';
import { checkExecutionRole } from './roles.js';
import { checkEniPermissions, validateVpcConfig } from '../ec2/lambdaVpc.js';
import { runtimeHash } from './runtime/manager.js';
import { lambdaState, type FunctionRecord, type VersionRecord } from './state.js';
import { publish } from './versions.js';

export const CreateFunction = operation<CreateFunctionRequest, FunctionConfiguration>({
  authorize: (input, ctx) => {
    const ref = parseFunctionName(ctx, input.FunctionName);
    return [
      { action: 'lambda:CreateFunction', resource: functionArn(ref.region, ref.accountId, ref.name), resourceAccount: ref.accountId },
      { action: 'iam:PassRole', resource: input.Role ?? '*', context: { 'iam:PassedToService': 'lambda.amazonaws.com' } },
    ];
  },
  async handler(input, ctx) {
    const role = input.Role!;
    checkRoleArn(role);
    const ref = parseFunctionName(ctx, input.FunctionName);
    if (ref.qualifier) throw invalidParameter(`Function name ${input.FunctionName} can not contain a version or alias qualifier.`);
    if (ref.crossAccount) {
      throw new AwsError('AccessDeniedException', `User: ${ctx.principal.arn} is not authorized to perform: lambda:CreateFunction on resource: ${functionArn(ref.region, ref.accountId, ref.name)}`, 403);
    }
    checkRuntime(input.Runtime);
    checkSizes(input);
    checkEnvironment(input.Environment);
    checkUnsupported(input);
    checkTagCount(Object.keys(input.Tags ?? {}).length);
    if (!input.Runtime || !input.Handler) throw invalidParameter('Runtime and Handler are mandatory parameters for functions created with deployment packages.');
    const state = lambdaState(ctx);
    const exists = () => {
      if (state.functions[ref.name]) throw conflict(`Function already exist: ${ref.name}`);
    };
    exists();
    await checkExecutionRole(ctx.emulator, role);
    // In a VPC: the subnets and groups must exist in EC2, and the role must manage network interfaces.
    const vpc = input.VpcConfig ? await validateVpcConfig(ctx.emulator, ctx.accountId, ctx.region, input.VpcConfig) : undefined;
    if (vpc?.VpcId) await checkEniPermissions(ctx.emulator, role);
    await checkDeadLetter(ctx.emulator, input.DeadLetterConfig, role, ctx.region);
    const code = await storeCode(ctx, input.Code!);
    exists(); // another request may have created it meanwhile

    const now = ctx.emulator.clock.now();
    const latest: VersionRecord = {
      FunctionName: ref.name,
      FunctionArn: functionArn(ctx.region, ctx.accountId, ref.name),
      Runtime: input.Runtime,
      Role: role,
      Handler: input.Handler,
      CodeSize: code.zipSize,
      Description: input.Description ?? '',
      Timeout: input.Timeout ?? 3,
      MemorySize: input.MemorySize ?? 128,
      LastModified: lambdaDate(now),
      CodeSha256: codeSha256(code.sha256),
      Version: '$LATEST',
      ...(vpc ? { VpcConfig: vpc } : {}),
      ...(input.DeadLetterConfig?.TargetArn ? { DeadLetterConfig: { TargetArn: input.DeadLetterConfig.TargetArn } } : {}),
      ...(input.Environment ? { Environment: { Variables: input.Environment.Variables ?? {} } } : {}),
      ...(input.KMSKeyArn ? { KMSKeyArn: input.KMSKeyArn } : {}),
      TracingConfig: { Mode: input.TracingConfig?.Mode ?? 'PassThrough' },
      RevisionId: uuid(),
      State: 'Pending',
      StateReason: 'The function is being created.',
      StateReasonCode: 'Creating',
      PackageType: 'Zip',
      Architectures: input.Architectures?.length ? input.Architectures : ['x86_64'],
      EphemeralStorage: { Size: input.EphemeralStorage?.Size ?? 512 },
      SnapStart: { ApplyOn: 'None', OptimizationStatus: 'Off' },
      RuntimeVersionConfig: { RuntimeVersionArn: runtimeVersionArn(ctx, input.Runtime) },
      LoggingConfig: { LogFormat: input.LoggingConfig?.LogFormat ?? 'Text', LogGroup: input.LoggingConfig?.LogGroup ?? `/aws/lambda/${ref.name}` },
      code,
      settlesAt: now,
    };
    const fn: FunctionRecord = {
      latest,
      versions: {},
      nextVersion: 1,
      aliases: {},
      policies: {},
      tags: { ...(input.Tags ?? {}) },
      eventInvokeConfigs: {},
      provisioned: {},
    };
    state.functions[ref.name] = fn;
    // A code-free process for this memory size, so the first invocation finds Node already started.
    runtimeOf(ctx.emulator).manager.prewarm(latest.MemorySize);
    const view = viewOf(latest);
    // Lambda answers a create-and-publish with $LATEST's configuration under the new version number.
    if (input.Publish) return { ...view, Version: publish(ctx, fn, input.Description).Version };
    return view;
  },
});

export const runtimeVersionArn = (ctx: Pick<RequestContext, 'region'>, runtime: string) => `arn:aws:lambda:${ctx.region}::runtime:${runtimeHash(runtime)}`;
