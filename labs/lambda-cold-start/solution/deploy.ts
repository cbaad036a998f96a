// Deploys the function `sentiment`, measures its cold and warm starts, and keeps two execution
// environments initialised for the alias `live`.
// Run it with: npx awslings deploy lambda-cold-start
import { AttachRolePolicyCommand, CreateRoleCommand, GetRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import {
  CreateAliasCommand,
  CreateFunctionCommand,
  GetProvisionedConcurrencyConfigCommand,
  InvokeCommand,
  LambdaClient,
  PublishVersionCommand,
  PutProvisionedConcurrencyConfigCommand,
  UpdateAliasCommand,
  UpdateFunctionCodeCommand,
} from '@aws-sdk/client-lambda';
import { waitForFunctionActive, zipHandler } from 'awslings/labkit';

const iam = new IAMClient({});
const lambda = new LambdaClient({});

const ROLE = 'sentiment-role';
const FUNCTION = 'sentiment';
const ALIAS = 'live';

// 1. The execution role, as in lambda-hello-sync.
async function ensureRole(): Promise<string> {
  try {
    return (await iam.send(new GetRoleCommand({ RoleName: ROLE }))).Role!.Arn!;
  } catch {
    const trust = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }] };
    const created = await iam.send(new CreateRoleCommand({ RoleName: ROLE, AssumeRolePolicyDocument: JSON.stringify(trust) }));
    await iam.send(new AttachRolePolicyCommand({ RoleName: ROLE, PolicyArn: 'arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole' }));
    return created.Role!.Arn!;
  }
}

// 2. The function, created or updated from handler.ts (and model.ts, which it imports).
const roleArn = await ensureRole();
const zip = await zipHandler('handler.ts');
try {
  await lambda.send(new CreateFunctionCommand({ FunctionName: FUNCTION, Runtime: 'nodejs20.x', Handler: 'index.handler', Role: roleArn, Code: { ZipFile: zip } }));
  console.log(`created ${FUNCTION}`);
} catch (e) {
  if ((e as Error).name !== 'ResourceConflictException') throw e;
  await lambda.send(new UpdateFunctionCodeCommand({ FunctionName: FUNCTION, ZipFile: zip }));
  console.log(`updated ${FUNCTION}`);
}
await waitForFunctionActive(lambda, FUNCTION);

/** The REPORT line of an invocation's log tail (LogResult is the last 4 KB of its log, in base64). */
function reportOf(logResult: string | undefined): string {
  const log = Buffer.from(logResult ?? '', 'base64').toString('utf8');
  return log.split('\n').find((line) => line.startsWith('REPORT')) ?? '(no REPORT line)';
}

async function invoke(qualifier?: string): Promise<string> {
  const res = await lambda.send(
    new InvokeCommand({ FunctionName: FUNCTION, Qualifier: qualifier, Payload: JSON.stringify({ text: 'I love this great phone' }), LogType: 'Tail' }),
  );
  return reportOf(res.LogResult);
}

// 3. Measure: the first invocation after a deploy starts cold (Init Duration); the others are warm.
for (let i = 1; i <= 5; i++) console.log(`$LATEST #${i}: ${await invoke()}`);

// 4. Provisioned concurrency on the alias `live`, which points at a published version.
const { Version } = await lambda.send(new PublishVersionCommand({ FunctionName: FUNCTION }));
try {
  await lambda.send(new CreateAliasCommand({ FunctionName: FUNCTION, Name: ALIAS, FunctionVersion: Version }));
} catch (e) {
  if ((e as Error).name !== 'ResourceConflictException') throw e;
  await lambda.send(new UpdateAliasCommand({ FunctionName: FUNCTION, Name: ALIAS, FunctionVersion: Version }));
}
console.log(`alias ${ALIAS} → version ${Version}`);
await lambda.send(new PutProvisionedConcurrencyConfigCommand({ FunctionName: FUNCTION, Qualifier: ALIAS, ProvisionedConcurrentExecutions: 2 }));
for (;;) {
  const pc = await lambda.send(new GetProvisionedConcurrencyConfigCommand({ FunctionName: FUNCTION, Qualifier: ALIAS }));
  console.log(`provisioned concurrency: ${pc.Status} (${pc.AllocatedProvisionedConcurrentExecutions ?? 0} of ${pc.RequestedProvisionedConcurrentExecutions})`);
  if (pc.Status === 'READY') break;
  if (pc.Status === 'FAILED') throw new Error(`Provisioned concurrency failed: ${pc.StatusReason}`);
  await new Promise((resolve) => setTimeout(resolve, 500));
}

// 5. The alias is served by an environment that was initialised ahead of time: no Init Duration.
console.log(`${ALIAS}: ${await invoke(ALIAS)}`);
