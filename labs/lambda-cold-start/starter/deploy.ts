// Deploys the function `sentiment`, measures its cold and warm starts, and (step 4) keeps two
// execution environments initialised for the alias `live`.
// Run it with: npx awslings deploy lambda-cold-start
import { AttachRolePolicyCommand, CreateRoleCommand, GetRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { CreateFunctionCommand, InvokeCommand, LambdaClient, UpdateFunctionCodeCommand } from '@aws-sdk/client-lambda';
import { waitForFunctionActive, zipHandler } from 'awslings/labkit';

const iam = new IAMClient({});
const lambda = new LambdaClient({});

const ROLE = 'sentiment-role';
const FUNCTION = 'sentiment';

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

// 3. TODO: measure. Invoke the function 5 times in a row (one after the other, not at once), each
//    with InvokeCommand({ FunctionName: FUNCTION, Payload: JSON.stringify({ text: 'I love this great phone' }),
//    LogType: 'Tail' }), and print reportOf(res.LogResult) for each. Compare Duration and Init Duration.
void InvokeCommand;
void reportOf;

// 4. TODO: provisioned concurrency on the alias `live`:
//    - publish a version (PublishVersionCommand) and read its Version;
//    - create the alias `live` for that version (CreateAliasCommand), or, if it already exists
//      (ResourceConflictException), point it at the new version (UpdateAliasCommand);
//    - PutProvisionedConcurrencyConfigCommand({ FunctionName, Qualifier: 'live', ProvisionedConcurrentExecutions: 2 });
//    - poll GetProvisionedConcurrencyConfigCommand until its Status is READY (stop if it is FAILED).

// 5. TODO: invoke the alias once (Qualifier: 'live', LogType: 'Tail') and print its REPORT line.
