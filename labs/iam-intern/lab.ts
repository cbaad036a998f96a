import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  CreateRoleCommand,
  GetGroupCommand,
  IAMClient,
  ListAttachedUserPoliciesCommand,
  ListUserPoliciesCommand,
  SimulatePrincipalPolicyCommand,
} from '@aws-sdk/client-iam';
import { CloudWatchLogsClient, CreateLogGroupCommand, DeleteLogGroupCommand, FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { CognitoIdentityProviderClient, ListUserPoolsCommand } from '@aws-sdk/client-cognito-identity-provider';
import {
  CreateFunctionCommand,
  DeleteFunctionCommand,
  GetFunctionCommand,
  InvokeCommand,
  LambdaClient,
  UpdateFunctionConfigurationCommand,
} from '@aws-sdk/client-lambda';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { assert, defineLab, deleteGroupCompletely, deleteRoleCompletely, deleteUserCompletely, waitForFunctionActive, zipFiles, type CheckContext } from 'awslings/labkit';

const CHECK_ROLE = 'awslings-iam-intern-check';

function internCredentials(ctx: CheckContext): { accessKeyId: string; secretAccessKey: string } {
  const file = join(ctx.workspace, 'intern-credentials.json');
  if (!existsSync(file)) ctx.fail('There is no intern-credentials.json in the lab folder: deploy.ts should write the intern\'s access key there.');
  const k = JSON.parse(readFileSync(file, 'utf8')) as { AccessKeyId?: string; SecretAccessKey?: string };
  if (!k.AccessKeyId || !k.SecretAccessKey || k.AccessKeyId === 'TODO') ctx.fail('intern-credentials.json does not hold a real access key yet.', { found: k.AccessKeyId });
  return { accessKeyId: k.AccessKeyId!, secretAccessKey: k.SecretAccessKey! };
}

/** Functions the checker makes (with the account's root keys) for the intern to try: one theirs, one not. */
async function makeFunctions(ctx: CheckContext): Promise<{ mine: string; other: string }> {
  if (ctx.shared.functions) return ctx.shared.functions as { mine: string; other: string };
  const iam = ctx.client(IAMClient);
  const trust = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }] };
  const role = await iam
    .send(new CreateRoleCommand({ RoleName: CHECK_ROLE, AssumeRolePolicyDocument: JSON.stringify(trust) }))
    .then((r) => r.Role!.Arn!)
    .catch(() => `arn:aws:iam::${ctx.accountId}:role/${CHECK_ROLE}`);
  const lambda = ctx.client(LambdaClient);
  const zip = zipFiles({ 'index.mjs': 'export const handler = async () => ({ ok: true });' });
  const names = { mine: ctx.random('intern-'), other: ctx.random('prod-') };
  for (const name of Object.values(names)) {
    await lambda.send(new CreateFunctionCommand({ FunctionName: name, Runtime: 'nodejs20.x', Handler: 'index.handler', Role: role, Code: { ZipFile: zip } }));
    await waitForFunctionActive(lambda, name);
  }
  ctx.shared.functions = names;
  return names;
}

const denied = async (p: Promise<unknown>): Promise<boolean> =>
  p.then(
    () => false,
    (e: { name?: string }) => /AccessDenied/.test(e.name ?? ''),
  );

export default defineLab({
  id: 'iam-intern',
  title: 'An intern joins the team: users, groups and least privilege',
  module: '06-iam',
  objectives: [
    'Tell IAM users, user groups and roles apart, and pick the right one for a person',
    'Grant permissions to a group, scoped to resources by name',
    'Use an explicit deny to keep a whole service out of reach',
  ],
  minutes: 30,
  services: ['iam', 'sts', 'lambda', 'logs'],
  files: ['deploy.ts'],
  checks: [
    {
      id: 'in-group',
      title: 'The intern is a member of interns',
      points: 1,
      hint: 'CreateUserCommand({ UserName: "intern" }), then AddUserToGroupCommand({ GroupName: "interns", UserName: "intern" }).',
      async run(ctx) {
        const g = await ctx.client(IAMClient).send(new GetGroupCommand({ GroupName: 'interns' }));
        const members = (g.Users ?? []).map((u) => u.UserName);
        assert(members.includes('intern'), 'intern is not in the interns group.', { found: members });
      },
    },
    {
      id: 'permissions-on-group',
      title: 'Permissions come from the group, not the user',
      points: 1,
      hint: 'Put the policy on the group (PutGroupPolicyCommand); leave the user without policies of their own.',
      async run(ctx) {
        const iam = ctx.client(IAMClient);
        const inline = (await iam.send(new ListUserPoliciesCommand({ UserName: 'intern' }))).PolicyNames ?? [];
        const attached = (await iam.send(new ListAttachedUserPoliciesCommand({ UserName: 'intern' }))).AttachedPolicies ?? [];
        assert(inline.length === 0 && attached.length === 0, 'The intern user has policies of their own.', { found: { inline, attached: attached.map((a) => a.PolicyName) } });
      },
    },
    {
      id: 'key-works',
      title: "The intern's access key signs requests",
      points: 1,
      hint: 'CreateAccessKeyCommand({ UserName: "intern" }) returns AccessKeyId and SecretAccessKey: write both to intern-credentials.json.',
      async run(ctx) {
        const who = await ctx.client(STSClient, { credentials: internCredentials(ctx) }).send(new GetCallerIdentityCommand({}));
        assert(who.Arn === `arn:aws:iam::${ctx.accountId}:user/intern`, 'The key in intern-credentials.json does not belong to the intern.', { found: who.Arn });
      },
    },
    {
      id: 'manages-intern-functions',
      title: 'The intern can read, change and invoke intern-* functions',
      points: 2,
      timeoutMs: 30_000,
      hint: 'Allow lambda:* on arn:aws:lambda:*:<account>:function:intern-* in the group policy.',
      async run(ctx) {
        const { mine } = await makeFunctions(ctx);
        const lambda = ctx.client(LambdaClient, { credentials: internCredentials(ctx) });
        await lambda.send(new GetFunctionCommand({ FunctionName: mine }));
        await lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: mine, Description: 'changed by the intern' }));
        await waitForFunctionActive(lambda, mine);
        const res = await lambda.send(new InvokeCommand({ FunctionName: mine }));
        assert(res.StatusCode === 200, `The intern could not invoke ${mine}.`, { found: res.StatusCode });
      },
    },
    {
      id: 'not-other-functions',
      title: 'The intern cannot touch other functions',
      points: 1,
      services: ['iam-enforcement'],
      timeoutMs: 30_000,
      hint: 'Scope the Lambda statement to intern-* functions only; lambda:* on "*" would open every function.',
      async run(ctx) {
        const { other } = await makeFunctions(ctx);
        const lambda = ctx.client(LambdaClient, { credentials: internCredentials(ctx) });
        assert(await denied(lambda.send(new GetFunctionCommand({ FunctionName: other }))), `The intern could read ${other}, which is not an intern function.`);
        assert(await denied(lambda.send(new InvokeCommand({ FunctionName: other }))), `The intern could invoke ${other}.`);
      },
    },
    {
      id: 'reads-intern-logs',
      title: "The intern can read intern-* functions' logs, and only those",
      points: 1,
      services: ['iam-enforcement'],
      timeoutMs: 30_000,
      hint: 'Allow logs:GetLogEvents, logs:FilterLogEvents and logs:DescribeLogStreams on arn:aws:logs:*:<account>:log-group:/aws/lambda/intern-*.',
      async run(ctx) {
        const { mine, other } = await makeFunctions(ctx);
        const root = ctx.client(CloudWatchLogsClient);
        for (const f of [mine, other]) await root.send(new CreateLogGroupCommand({ logGroupName: `/aws/lambda/${f}` })).catch(() => undefined);
        const logs = ctx.client(CloudWatchLogsClient, { credentials: internCredentials(ctx) });
        await logs.send(new FilterLogEventsCommand({ logGroupName: `/aws/lambda/${mine}` }));
        assert(await denied(logs.send(new FilterLogEventsCommand({ logGroupName: `/aws/lambda/${other}` }))), `The intern could read the logs of ${other}.`);
      },
    },
    {
      id: 'no-cognito',
      title: 'Cognito is explicitly denied',
      points: 2,
      services: ['cognito-idp', 'iam-enforcement'],
      hint: 'Add a statement { "Effect": "Deny", "Action": ["cognito-idp:*", "cognito-identity:*"], "Resource": "*" }. Without it Cognito is only implicitly denied, and any later Allow would open it.',
      async run(ctx) {
        const cognito = ctx.client(CognitoIdentityProviderClient, { credentials: internCredentials(ctx) });
        assert(await denied(cognito.send(new ListUserPoolsCommand({ MaxResults: 10 }))), 'The intern could list user pools.');
        const sim = await ctx.client(IAMClient).send(
          new SimulatePrincipalPolicyCommand({
            PolicySourceArn: `arn:aws:iam::${ctx.accountId}:user/intern`,
            ActionNames: ['cognito-idp:AdminDeleteUser', 'cognito-identity:GetCredentialsForIdentity'],
          }),
        );
        const decisions = Object.fromEntries(sim.EvaluationResults!.map((r) => [r.EvalActionName, r.EvalDecision]));
        assert(Object.values(decisions).every((d) => d === 'explicitDeny'), 'Cognito is refused, but not by an explicit deny.', { expected: 'explicitDeny', found: decisions });
      },
    },
  ],
  async afterChecks(ctx) {
    const made = ctx.shared.functions as { mine: string; other: string } | undefined;
    for (const name of Object.values(made ?? {})) {
      await ctx.client(LambdaClient).send(new DeleteFunctionCommand({ FunctionName: name })).catch(() => undefined);
      await ctx.client(CloudWatchLogsClient).send(new DeleteLogGroupCommand({ logGroupName: `/aws/lambda/${name}` })).catch(() => undefined);
    }
  },
  async cleanup(ctx) {
    const iam = ctx.client(IAMClient);
    await deleteUserCompletely(iam, 'intern');
    await deleteGroupCompletely(iam, 'interns');
    await deleteRoleCompletely(iam, CHECK_ROLE);
  },
});
