import { GetRoleCommand, IAMClient, ListAttachedRolePoliciesCommand } from '@aws-sdk/client-iam';
import { DeleteFunctionCommand, GetFunctionCommand, InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { CloudWatchLogsClient, FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { assert, decodePayload, defineLab, deleteRoleCompletely, eventually, type CheckContext } from 'awslings/labkit';

const ROLE = 'hello-sync-role';
const FUNCTION = 'hello-sync';
const BASIC = 'arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole';

async function invoke(ctx: CheckContext, event: unknown) {
  const res = await ctx.client(LambdaClient).send(
    new InvokeCommand({ FunctionName: FUNCTION, InvocationType: 'RequestResponse', Payload: JSON.stringify(event), LogType: 'Tail' }),
  );
  if (res.LogResult) ctx.log(Buffer.from(res.LogResult, 'base64').toString('utf8'));
  if (res.FunctionError) {
    ctx.fail(`The function failed (${res.FunctionError}) when invoked with ${JSON.stringify(event)}.`, { found: decodePayload(res.Payload) });
  }
  return decodePayload(res.Payload);
}

export default defineLab({
  id: 'lambda-hello-sync',
  title: 'Hello, Lambda: deploy a function and call it synchronously',
  module: '01-lambda-invocation',
  objectives: [
    'Create an execution role that Lambda can assume, with permission to write logs',
    'Package and deploy a Node.js function with the AWS SDK',
    'Invoke it synchronously (RequestResponse) and read its answer',
  ],
  minutes: 25,
  services: ['iam', 'lambda', 'logs'],
  files: ['handler.ts', 'deploy.ts'],
  checks: [
    {
      id: 'role-trusts-lambda',
      title: `The role ${ROLE} lets Lambda assume it`,
      points: 1,
      hint: 'The trust policy (AssumeRolePolicyDocument) needs a statement that allows sts:AssumeRole for the principal { "Service": "lambda.amazonaws.com" }.',
      async run(ctx) {
        const role = await ctx.client(IAMClient).send(new GetRoleCommand({ RoleName: ROLE }));
        const doc = JSON.parse(decodeURIComponent(role.Role!.AssumeRolePolicyDocument!)) as { Statement: { Effect: string; Principal?: { Service?: string | string[] }; Action: string | string[] }[] };
        const trusts = [doc.Statement].flat().some(
          (s) => s.Effect === 'Allow' && [s.Principal?.Service ?? []].flat().includes('lambda.amazonaws.com') && [s.Action].flat().includes('sts:AssumeRole'),
        );
        assert(trusts, `${ROLE}'s trust policy does not allow lambda.amazonaws.com to assume it.`, { found: doc });
      },
    },
    {
      id: 'role-can-log',
      title: `${ROLE} has AWSLambdaBasicExecutionRole`,
      points: 1,
      hint: 'Attach the managed policy arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole to the role (AttachRolePolicyCommand).',
      async run(ctx) {
        const attached = await ctx.client(IAMClient).send(new ListAttachedRolePoliciesCommand({ RoleName: ROLE }));
        const arns = (attached.AttachedPolicies ?? []).map((p) => p.PolicyArn);
        assert(arns.includes(BASIC), `The role does not have ${BASIC} attached.`, { expected: BASIC, found: arns });
      },
    },
    {
      id: 'function-deployed',
      title: `The function ${FUNCTION} is deployed with that role`,
      points: 1,
      hint: 'deploy.ts must create the function: CreateFunctionCommand with FunctionName hello-sync, Runtime nodejs20.x, Handler index.handler, the role ARN, and Code { ZipFile }.',
      async run(ctx) {
        const f = await ctx.client(LambdaClient).send(new GetFunctionCommand({ FunctionName: FUNCTION }));
        const c = f.Configuration!;
        assert(/^nodejs(18|20|22)\.x$/.test(c.Runtime ?? ''), `The runtime should be a Node.js one.`, { expected: 'nodejs20.x', found: c.Runtime });
        assert(c.Role?.endsWith(`:role/${ROLE}`), `The function should run with ${ROLE}.`, { found: c.Role });
        assert(c.State === 'Active', `The function is not active yet.`, { expected: 'Active', found: c.State });
      },
    },
    {
      id: 'greets-by-name',
      title: 'It greets the name it is given',
      points: 2,
      hint: 'Read event.name and return an object: { message: `Hello, ${name}!` }. Return it (or resolve it): Lambda sends the returned value back to the caller.',
      async run(ctx) {
        const name = ctx.random('Learner-');
        const answer = await invoke(ctx, { name });
        assert(
          (answer as { message?: string })?.message === `Hello, ${name}!`,
          `Invoked with { "name": "${name}" }, the answer was not the expected greeting.`,
          { expected: { message: `Hello, ${name}!` }, found: answer },
        );
      },
    },
    {
      id: 'greets-the-world',
      title: 'Without a name, it greets the world',
      points: 1,
      hint: 'When event.name is missing, use "world": { message: "Hello, world!" }.',
      async run(ctx) {
        const answer = await invoke(ctx, {});
        assert((answer as { message?: string })?.message === 'Hello, world!', 'Invoked with {}, the answer was not "Hello, world!".', {
          expected: { message: 'Hello, world!' },
          found: answer,
        });
      },
    },
    {
      id: 'writes-logs',
      title: 'Its invocations appear in CloudWatch Logs',
      points: 1,
      hint: 'Lambda writes START, END and REPORT lines to the log group /aws/lambda/hello-sync, if the role allows it (AWSLambdaBasicExecutionRole).',
      async run(ctx) {
        await invoke(ctx, { name: 'logs' });
        const logs = ctx.client(CloudWatchLogsClient);
        const found = await eventually(async () => {
          const r = await logs.send(new FilterLogEventsCommand({ logGroupName: `/aws/lambda/${FUNCTION}`, filterPattern: 'REPORT' })).catch(() => undefined);
          return r?.events?.length ? r.events : undefined;
        }, 5000);
        assert(found, `No REPORT lines in the log group /aws/lambda/${FUNCTION}.`);
      },
    },
  ],
  async cleanup(ctx) {
    await ctx.client(LambdaClient).send(new DeleteFunctionCommand({ FunctionName: FUNCTION })).catch(() => undefined);
    await deleteRoleCompletely(ctx.client(IAMClient), ROLE);
  },
});
