// Deploys hello-sync to the sandbox, then calls it synchronously.
// Run it with: npx awslings deploy lambda-hello-sync
import { AttachRolePolicyCommand, CreateRoleCommand, GetRoleCommand, IAMClient, UpdateAssumeRolePolicyCommand } from '@aws-sdk/client-iam';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { zipHandler } from 'awslings/labkit';

const iam = new IAMClient({});
const lambda = new LambdaClient({});

const ROLE = 'hello-sync-role';
const FUNCTION = 'hello-sync';

// TODO: a trust policy that lets the Lambda service (lambda.amazonaws.com) assume this role.
const trustPolicy = { Version: '2012-10-17', Statement: [] };

async function ensureRole(): Promise<string> {
  let arn: string;
  try {
    arn = (await iam.send(new GetRoleCommand({ RoleName: ROLE }))).Role!.Arn!;
    // The role is left from an earlier deploy: give it the trust policy as it is now.
    await iam.send(new UpdateAssumeRolePolicyCommand({ RoleName: ROLE, PolicyDocument: JSON.stringify(trustPolicy) }));
  } catch (e) {
    if ((e as Error).name !== 'NoSuchEntityException') throw e;
    arn = (await iam.send(new CreateRoleCommand({ RoleName: ROLE, AssumeRolePolicyDocument: JSON.stringify(trustPolicy) }))).Role!.Arn!;
  }
  // TODO: attach the managed policy arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole
  // (attaching a policy that is already attached changes nothing, so this can run on every deploy).
  void AttachRolePolicyCommand;
  return arn;
}

const roleArn = await ensureRole();
const zip = await zipHandler('handler.ts'); // bundles handler.ts into index.mjs, zipped
console.log(`role ${roleArn}, package ${zip.length} bytes`);

// TODO: create the function (CreateFunctionCommand: FunctionName, Runtime 'nodejs20.x',
// Handler 'index.handler', Role, Code: { ZipFile: zip }), or, if it already exists
// (ResourceConflictException), update its code with UpdateFunctionCodeCommand.

// TODO: wait until it is active (waitForFunctionActive from 'awslings/labkit'), then invoke it
// with InvokeCommand, InvocationType 'RequestResponse', Payload: JSON.stringify({ name: 'awslings' }),
// and print the decoded answer.
void lambda;
