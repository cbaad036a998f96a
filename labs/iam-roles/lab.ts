import { GetRoleCommand, IAMClient, SimulatePrincipalPolicyCommand } from '@aws-sdk/client-iam';
import { DeleteFunctionCommand, GetFunctionConfigurationCommand, InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { DeleteQueueCommand, GetQueueAttributesCommand, GetQueueUrlCommand, ReceiveMessageCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { assert, decodePayload, defineLab, deleteRoleCompletely, type CheckContext } from 'awslings/labkit';

const QUEUE = 'orders';
const ROLE = 'orders-reader-role';
const FUNCTION = 'orders-reader';
const PARTNER_ROLE = 'partner-audit-role';
const EXTERNAL_ID = 'partner-7f3c9e21';

/** Another account of the sandbox, `k` away from the learner's (12 digits either way). */
function neighbour(account: string, k: number): string {
  const n = BigInt(account) + BigInt(k);
  return (n > 999_999_999_999n ? BigInt(account) - BigInt(k) : n).toString().padStart(12, '0');
}
const partnerOf = (ctx: CheckContext) => neighbour(ctx.accountId, 1);

/** Root keys of another account: the sandbox (and LocalStack) take a 12-digit access key as that account's root. */
function rootOf(ctx: CheckContext, account: string) {
  if (!ctx.target.endpoint) ctx.fail('This check acts as a second AWS account with its root keys, which only the sandbox or LocalStack allow; on a real account, ask a colleague in another account to try AssumeRole.');
  return { accessKeyId: account, secretAccessKey: 'test' };
}

async function queue(ctx: CheckContext): Promise<{ url: string; arn: string }> {
  const sqs = ctx.client(SQSClient);
  const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: QUEUE }));
  const attrs = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }));
  return { url: QueueUrl!, arn: attrs.Attributes!.QueueArn! };
}

async function simulate(ctx: CheckContext, actions: string[], resource: string): Promise<Record<string, string>> {
  const res = await ctx.client(IAMClient).send(
    new SimulatePrincipalPolicyCommand({ PolicySourceArn: `arn:aws:iam::${ctx.accountId}:role/${ROLE}`, ActionNames: actions, ResourceArns: [resource] }),
  );
  return Object.fromEntries(res.EvaluationResults!.map((r) => [r.EvalActionName!, r.EvalDecision!]));
}

const denied = async (p: Promise<unknown>): Promise<boolean> =>
  p.then(
    () => false,
    (e: { name?: string }) => /AccessDenied/.test(e.name ?? ''),
  );

interface Statement {
  Effect?: string;
  Principal?: '*' | Record<string, string | string[]>;
  Action?: string | string[];
  Condition?: Record<string, Record<string, string | string[]>>;
}

async function trustOf(ctx: CheckContext, role: string): Promise<Statement[]> {
  const r = await ctx.client(IAMClient).send(new GetRoleCommand({ RoleName: role }));
  const doc = JSON.parse(decodeURIComponent(r.Role!.AssumeRolePolicyDocument!)) as { Statement: Statement | Statement[] };
  return [doc.Statement].flat();
}

/** The account a trust policy's AWS principal stands for: "123456789012", or any ARN in that account. */
const accountOf = (p: string) => (/^\d{12}$/.test(p) ? p : (/^arn:aws[\w-]*:(?:iam|sts)::(\d{12}):/.exec(p)?.[1] ?? p));

async function invoke(ctx: CheckContext): Promise<{ orders?: unknown; remaining?: unknown }> {
  const res = await ctx.client(LambdaClient).send(new InvokeCommand({ FunctionName: FUNCTION, LogType: 'Tail' }));
  if (res.LogResult) ctx.log(Buffer.from(res.LogResult, 'base64').toString('utf8'));
  if (res.FunctionError) {
    ctx.fail(`${FUNCTION} failed (${res.FunctionError}). If the error is AccessDenied, its role lacks a permission: the IAM decisions in the inspector say which.`, {
      found: decodePayload(res.Payload),
    });
  }
  return (decodePayload(res.Payload) ?? {}) as { orders?: unknown; remaining?: unknown };
}

export default defineLab({
  id: 'iam-roles',
  title: 'Roles: a least-privilege execution role, and a door for another account',
  module: '06-iam',
  objectives: [
    'Give a function an execution role that can do exactly what its code needs, on one resource',
    'Verify a policy with the IAM policy simulator, and with the real calls it allows and denies',
    'Let another AWS account assume a role, guarded by an external ID',
  ],
  minutes: 40,
  services: ['iam', 'sts', 'lambda', 'sqs', 'logs'],
  files: ['deploy.ts', 'handler.ts'],
  checks: [
    {
      id: 'function-role',
      title: `${FUNCTION} runs with ${ROLE} and knows its queue`,
      points: 1,
      hint: 'CreateFunctionCommand (or UpdateFunctionConfigurationCommand) with Role set to the role ARN and Environment: { Variables: { QUEUE_URL: <the queue URL from CreateQueue> } }.',
      async run(ctx) {
        const c = await ctx.client(LambdaClient).send(new GetFunctionConfigurationCommand({ FunctionName: FUNCTION }));
        assert(c.Role === `arn:aws:iam::${ctx.accountId}:role/${ROLE}`, `${FUNCTION} should run with ${ROLE}.`, { expected: `arn:aws:iam::${ctx.accountId}:role/${ROLE}`, found: c.Role });
        const url = c.Environment?.Variables?.QUEUE_URL;
        assert(url?.endsWith(`/${QUEUE}`), `${FUNCTION}'s QUEUE_URL should be the URL of the ${QUEUE} queue.`, { found: url ?? 'no QUEUE_URL variable' });
      },
    },
    {
      id: 'role-reads-queue',
      title: `${ROLE} may receive, delete and inspect messages of ${QUEUE}`,
      points: 2,
      hint: 'An inline policy on the role (PutRolePolicyCommand) with one Allow statement: Action ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"], Resource: the queue ARN (GetQueueAttributes with AttributeNames ["QueueArn"] gives it).',
      async run(ctx) {
        const { arn } = await queue(ctx);
        const decisions = await simulate(ctx, ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes'], arn);
        const missing = Object.entries(decisions).filter(([, d]) => d !== 'allowed').map(([a]) => a);
        assert(missing.length === 0, `The policy simulator says ${ROLE} may not do everything the function needs on ${arn}.`, {
          expected: 'allowed for all three',
          found: decisions,
        });
      },
    },
    {
      id: 'least-privilege',
      title: `${ROLE} can do nothing more with SQS`,
      points: 2,
      hint: 'Name the three actions, not sqs:* (which also sends, purges and deletes), and the queue ARN, not "*" (which is every queue in every account the role can reach). Check the starter\'s statement too.',
      async run(ctx) {
        const { arn } = await queue(ctx);
        const other = `arn:aws:sqs:${ctx.region}:${ctx.accountId}:${ctx.random('other-queue-')}`;
        const onQueue = await simulate(ctx, ['sqs:SendMessage', 'sqs:PurgeQueue', 'sqs:DeleteQueue', 'sqs:SetQueueAttributes'], arn);
        const onOther = await simulate(ctx, ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes'], other);
        const tooMuch = [
          ...Object.entries(onQueue).filter(([, d]) => d === 'allowed').map(([a]) => `${a} on ${QUEUE}`),
          ...Object.entries(onOther).filter(([, d]) => d === 'allowed').map(([a]) => `${a} on another queue`),
        ];
        assert(tooMuch.length === 0, `${ROLE} may do more than the function needs.`, { expected: 'implicitDeny for each', found: tooMuch });
      },
    },
    {
      id: 'function-reads',
      title: 'The function takes an order off the queue',
      points: 2,
      timeoutMs: 30_000,
      hint: 'In handler.ts: ReceiveMessageCommand on process.env.QUEUE_URL, then DeleteMessageCommand for each message (with its ReceiptHandle), and return { orders: [the bodies], remaining: <ApproximateNumberOfMessages as a number> }.',
      async run(ctx) {
        const sqs = ctx.client(SQSClient);
        const { url } = await queue(ctx);
        const inFlight = async () =>
          Number((await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['ApproximateNumberOfMessagesNotVisible'] }))).Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0);
        const before = await inFlight();
        const order = JSON.stringify({ orderId: ctx.random('order-'), item: ctx.random('item-') });
        await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: order }));
        let answer: { orders?: unknown; remaining?: unknown } = {};
        // Older messages may be ahead of this one: a few calls drain them.
        for (let i = 0; i < 4; i++) {
          answer = await invoke(ctx);
          if (!Array.isArray(answer.orders) || !answer.orders.length || answer.orders.includes(order)) break;
        }
        assert(Array.isArray(answer.orders) && answer.orders.includes(order), `The checker sent ${order} to ${QUEUE}, but ${FUNCTION} did not return it in "orders".`, {
          expected: { orders: [order], remaining: 0 },
          found: answer,
        });
        assert(Number.isInteger(answer.remaining), '"remaining" should be the number of messages still waiting (ApproximateNumberOfMessages, as a number).', { found: answer.remaining });
        const after = await inFlight();
        assert(after <= before, `${FUNCTION} received the order but did not delete it: it would come back when its visibility timeout ends.`, {
          expected: `at most ${before} in flight`,
          found: after,
        });
      },
    },
    {
      id: 'partner-trust',
      title: `${PARTNER_ROLE} trusts the partner's account, with an external ID`,
      points: 1,
      hint: 'The trust policy: { "Effect": "Allow", "Principal": { "AWS": "arn:aws:iam::<partner account>:root" }, "Action": "sts:AssumeRole", "Condition": { "StringEquals": { "sts:ExternalId": "..." } } }. The partner account is yours plus one.',
      async run(ctx) {
        const partner = partnerOf(ctx);
        const statements = (await trustOf(ctx, PARTNER_ROLE)).filter((s) => s.Effect === 'Allow');
        assert(statements.length > 0, `${PARTNER_ROLE}'s trust policy allows nobody.`);
        const principals = statements.flatMap((s) =>
          s.Principal === '*' || s.Principal === undefined ? ['*'] : Object.entries(s.Principal).flatMap(([kind, v]) => [v].flat().map((p) => (kind === 'AWS' ? p : `${kind}: ${p}`))),
        );
        const strangers = principals.filter((p) => accountOf(p) !== partner);
        assert(strangers.length === 0, `${PARTNER_ROLE} should trust the partner's account ${partner}, and nobody else.`, { expected: `arn:aws:iam::${partner}:root`, found: principals });
        const unguarded = statements.filter((s) => !Object.values(s.Condition ?? {}).some((c) => c['sts:ExternalId'] !== undefined));
        assert(unguarded.length === 0, 'Every statement of the trust policy should require the external ID (a Condition on sts:ExternalId).', { found: unguarded });
      },
    },
    {
      id: 'partner-assumes',
      title: 'The partner assumes the role with the external ID, and can only watch the queue',
      points: 2,
      services: ['iam-enforcement', 'sandbox-accounts'],
      timeoutMs: 20_000,
      hint: `The condition's value must be exactly ${EXTERNAL_ID}. The role's own policy: Allow sqs:GetQueueAttributes on the queue ARN, and nothing else.`,
      async run(ctx) {
        await trustOf(ctx, PARTNER_ROLE);
        const partner = partnerOf(ctx);
        const roleArn = `arn:aws:iam::${ctx.accountId}:role/${PARTNER_ROLE}`;
        const sts = ctx.client(STSClient, { credentials: rootOf(ctx, partner) });
        const session = await sts.send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: 'partner-audit', ExternalId: EXTERNAL_ID })).catch((e: Error) =>
          ctx.fail(`Account ${partner} could not assume ${PARTNER_ROLE} with the external ID ${EXTERNAL_ID}.`, { found: `${e.name}: ${e.message}` }),
        );
        const c = session.Credentials!;
        const sqs = ctx.client(SQSClient, { credentials: { accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretAccessKey!, sessionToken: c.SessionToken } });
        const { url } = await queue(ctx);
        await sqs
          .send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['ApproximateNumberOfMessages'] }))
          .catch((e: Error) => ctx.fail(`The partner's session could not read ${QUEUE}'s attributes.`, { found: `${e.name}: ${e.message}` }));
        assert(await denied(sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 1 }))), `The partner's session could receive messages from ${QUEUE}: it should only watch.`);
      },
    },
    {
      id: 'external-id-required',
      title: 'Without the right external ID, or from another account, AssumeRole is denied',
      points: 2,
      services: ['iam-enforcement', 'sandbox-accounts'],
      timeoutMs: 20_000,
      hint: 'A Condition { "StringEquals": { "sts:ExternalId": "..." } } on the trust statement, and the partner\'s account as the only principal.',
      async run(ctx) {
        await trustOf(ctx, PARTNER_ROLE);
        const partner = partnerOf(ctx);
        const stranger = neighbour(ctx.accountId, 2);
        const RoleArn = `arn:aws:iam::${ctx.accountId}:role/${PARTNER_ROLE}`;
        const as = (account: string) => ctx.client(STSClient, { credentials: rootOf(ctx, account) });
        const tries = {
          'the partner, without an external ID': await denied(as(partner).send(new AssumeRoleCommand({ RoleArn, RoleSessionName: 'no-external-id' }))),
          'the partner, with a wrong external ID': await denied(as(partner).send(new AssumeRoleCommand({ RoleArn, RoleSessionName: 'wrong-id', ExternalId: ctx.random('guess-') }))),
          [`another account (${stranger}), with the right external ID`]: await denied(
            as(stranger).send(new AssumeRoleCommand({ RoleArn, RoleSessionName: 'stranger', ExternalId: EXTERNAL_ID })),
          ),
        };
        const letIn = Object.entries(tries).filter(([, d]) => !d).map(([who]) => who);
        assert(letIn.length === 0, `${PARTNER_ROLE} let in callers it should refuse.`, { expected: 'AccessDenied for each', found: letIn });
      },
    },
  ],
  async cleanup(ctx) {
    await ctx.client(LambdaClient).send(new DeleteFunctionCommand({ FunctionName: FUNCTION })).catch(() => undefined);
    await deleteRoleCompletely(ctx.client(IAMClient), ROLE);
    await deleteRoleCompletely(ctx.client(IAMClient), PARTNER_ROLE);
    const q = await ctx.client(SQSClient).send(new GetQueueUrlCommand({ QueueName: QUEUE })).catch(() => undefined);
    if (q?.QueueUrl) await ctx.client(SQSClient).send(new DeleteQueueCommand({ QueueUrl: q.QueueUrl })).catch(() => undefined);
  },
});
