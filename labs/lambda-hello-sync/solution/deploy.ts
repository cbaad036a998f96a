import { AttachRolePolicyCommand, CreateRoleCommand, GetRoleCommand, IAMClient, UpdateAssumeRolePolicyCommand } from '@aws-sdk/client-iam';
import { CreateFunctionCommand, InvokeCommand, LambdaClient, UpdateFunctionCodeCommand } from '@aws-sdk/client-lambda';
import { decodePayload, waitForFunctionActive, zipHandler } from 'awslings/labkit';

const iam = new IAMClient({});
const lambda = new LambdaClient({});

const ROLE = 'hello-sync-role';
const FUNCTION = 'hello-sync';

const trustPolicy = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
};

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
  await iam.send(new AttachRolePolicyCommand({ RoleName: ROLE, PolicyArn: 'arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole' }));
  return arn;
}

const roleArn = await ensureRole();
const zip = await zipHandler('handler.ts');

try {
  await lambda.send(
    new CreateFunctionCommand({ FunctionName: FUNCTION, Runtime: 'nodejs20.x', Handler: 'index.handler', Role: roleArn, Code: { ZipFile: zip } }),
  );
  console.log(`created ${FUNCTION}`);
} catch (e) {
  if ((e as Error).name !== 'ResourceConflictException') throw e;
  await lambda.send(new UpdateFunctionCodeCommand({ FunctionName: FUNCTION, ZipFile: zip }));
  console.log(`updated ${FUNCTION}`);
}
await waitForFunctionActive(lambda, FUNCTION);

const res = await lambda.send(
  new InvokeCommand({ FunctionName: FUNCTION, InvocationType: 'RequestResponse', Payload: JSON.stringify({ name: 'awslings' }) }),
);
console.log(`status ${res.StatusCode}:`, decodePayload(res.Payload));
