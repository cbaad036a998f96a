import { IAMClient, SimulatePrincipalPolicyCommand } from '@aws-sdk/client-iam';
import { DeleteFunctionCommand, GetFunctionEventInvokeConfigCommand, InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { DeleteIdentityCommand, GetIdentityVerificationAttributesCommand, SESClient } from '@aws-sdk/client-ses';
import { DeleteMessageCommand, DeleteQueueCommand, GetQueueAttributesCommand, GetQueueUrlCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { assert, defineLab, deleteRoleCompletely, eventually, type CheckContext } from 'awslings/labkit';

const FUNCTION = 'welcome-email';
const ROLE = 'welcome-email-role';
const QUEUE = 'welcome-email-failures';
const SENDER = 'welcome@example.com';

async function queueArn(ctx: CheckContext): Promise<{ url: string; arn: string }> {
  const sqs = ctx.client(SQSClient);
  const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: QUEUE }));
  const attrs = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }));
  return { url: QueueUrl!, arn: attrs.Attributes!.QueueArn! };
}

async function simulate(ctx: CheckContext, action: string, resource: string): Promise<string> {
  const res = await ctx.client(IAMClient).send(
    new SimulatePrincipalPolicyCommand({
      PolicySourceArn: `arn:aws:iam::${ctx.accountId}:role/${ROLE}`,
      ActionNames: [action],
      ResourceArns: [resource],
    }),
  );
  return res.EvaluationResults![0].EvalDecision!;
}

export default defineLab({
  id: 'lambda-async-email',
  title: 'Fire and forget: a welcome e-mail sent in the background',
  module: '01-lambda-invocation',
  objectives: [
    'Invoke a function asynchronously and know what the 202 means',
    'Give a function exactly the permissions it needs (SES, its failure queue)',
    'Configure retries, event age and an on-failure destination for asynchronous events',
  ],
  minutes: 35,
  services: ['iam', 'lambda', 'ses', 'sqs', 'logs'],
  files: ['handler.ts', 'deploy.ts'],
  checks: [
    {
      id: 'sender-verified',
      title: `The sender ${SENDER} is a verified SES identity`,
      points: 1,
      hint: 'SES only sends from verified identities: VerifyEmailIdentityCommand({ EmailAddress: "welcome@example.com" }).',
      async run(ctx) {
        const res = await ctx.client(SESClient).send(new GetIdentityVerificationAttributesCommand({ Identities: [SENDER] }));
        const status = res.VerificationAttributes?.[SENDER]?.VerificationStatus;
        assert(status === 'Success', `${SENDER} is not verified.`, { expected: 'Success', found: status ?? 'not an identity' });
      },
    },
    {
      id: 'least-privilege',
      title: `${ROLE} may send e-mail and reach the failure queue, and no more`,
      points: 2,
      hint: 'An inline policy on the role: Allow ses:SendEmail, and Allow sqs:SendMessage on the ARN of welcome-email-failures. Avoid ses:* or sqs:* on everything.',
      async run(ctx) {
        const { arn } = await queueArn(ctx);
        const identity = `arn:aws:ses:${ctx.region}:${ctx.accountId}:identity/${SENDER}`;
        const decisions = {
          'ses:SendEmail': await simulate(ctx, 'ses:SendEmail', identity),
          'sqs:SendMessage': await simulate(ctx, 'sqs:SendMessage', arn),
          'ses:DeleteIdentity': await simulate(ctx, 'ses:DeleteIdentity', identity),
          'sqs:DeleteQueue': await simulate(ctx, 'sqs:DeleteQueue', arn),
        };
        assert(decisions['ses:SendEmail'] === 'allowed', 'The role may not send e-mail (ses:SendEmail).', { found: decisions });
        assert(decisions['sqs:SendMessage'] === 'allowed', 'The role may not send to the failure queue (sqs:SendMessage on its ARN): Lambda uses the role to deliver failed events.', { found: decisions });
        assert(decisions['ses:DeleteIdentity'] !== 'allowed' && decisions['sqs:DeleteQueue'] !== 'allowed', 'The role may do more than it needs (it could delete identities or queues).', { found: decisions });
      },
    },
    {
      id: 'async-config',
      title: 'One retry, one hour, failures to the queue',
      points: 2,
      hint: 'PutFunctionEventInvokeConfigCommand({ FunctionName, MaximumRetryAttempts: 1, MaximumEventAgeInSeconds: 3600, DestinationConfig: { OnFailure: { Destination: <queue ARN> } } }).',
      async run(ctx) {
        const { arn } = await queueArn(ctx);
        const c = await ctx.client(LambdaClient).send(new GetFunctionEventInvokeConfigCommand({ FunctionName: FUNCTION }));
        const found = { MaximumRetryAttempts: c.MaximumRetryAttempts, MaximumEventAgeInSeconds: c.MaximumEventAgeInSeconds, OnFailure: c.DestinationConfig?.OnFailure?.Destination };
        const expected = { MaximumRetryAttempts: 1, MaximumEventAgeInSeconds: 3600, OnFailure: arn };
        assert(JSON.stringify(found) === JSON.stringify(expected), 'The asynchronous invocation settings are not the ones asked for.', { expected, found });
      },
    },
    {
      id: 'sends-welcome',
      title: 'An asynchronous invocation sends the welcome e-mail',
      points: 2,
      services: ['mail-outbox'],
      timeoutMs: 20_000,
      hint: 'In the handler, await ses.send(new SendEmailCommand({ Source: "welcome@example.com", Destination: { ToAddresses: [event.email] }, Message: { Subject: { Data: `Welcome, ${name}!` }, Body: { Text: { Data: "..." } } } })).',
      async run(ctx) {
        const name = ctx.random('Grace');
        const email = `${name.toLowerCase()}@example.org`;
        const res = await ctx.client(LambdaClient).send(new InvokeCommand({ FunctionName: FUNCTION, InvocationType: 'Event', Payload: JSON.stringify({ email, name }) }));
        assert(res.StatusCode === 202, 'An asynchronous invocation should be accepted with 202.', { expected: 202, found: res.StatusCode });
        const mail = await eventually(async () => (await ctx.outbox({ to: email })).find((m) => m.subject === `Welcome, ${name}!`), 15_000, 250);
        const got = await ctx.outbox({ to: email });
        assert(mail, `No e-mail with the subject "Welcome, ${name}!" reached ${email}.`, { found: got.map((m) => ({ from: m.from, subject: m.subject })) });
        assert(mail.from === SENDER, `The e-mail should come from ${SENDER}.`, { found: mail.from });
      },
    },
    {
      id: 'failure-to-queue',
      title: 'A failing event is retried once, then lands in the queue',
      points: 2,
      timeoutMs: 45_000,
      hint: 'The handler must throw when the event has no email. Lambda then retries once, and sends a record to the OnFailure destination: check the role may sqs:SendMessage to the queue.',
      async run(ctx) {
        const marker = ctx.random('no-email-');
        const { url } = await queueArn(ctx);
        const sqs = ctx.client(SQSClient);
        await ctx.client(LambdaClient).send(new InvokeCommand({ FunctionName: FUNCTION, InvocationType: 'Event', Payload: JSON.stringify({ name: marker }) }));
        type Record = { requestContext?: { condition?: string; approximateInvokeCount?: number }; requestPayload?: { name?: string }; responsePayload?: unknown };
        const record = await eventually<Record>(async () => {
          const r = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, WaitTimeSeconds: 2 }));
          for (const m of r.Messages ?? []) {
            const body = JSON.parse(m.Body ?? '{}') as Record;
            if (body.requestPayload?.name === marker) {
              await sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: m.ReceiptHandle }));
              return body;
            }
          }
          return undefined;
        }, 40_000, 0);
        assert(record, `The failed event { "name": "${marker}" } did not reach ${QUEUE}.`);
        ctx.log(JSON.stringify(record, null, 2));
        assert(record.requestContext?.condition === 'RetriesExhausted', 'The record should say the retries were exhausted.', { expected: 'RetriesExhausted', found: record.requestContext?.condition });
        assert(record.requestContext?.approximateInvokeCount === 2, 'The event should have been tried twice (the first attempt and one retry).', {
          expected: 2,
          found: record.requestContext?.approximateInvokeCount,
        });
      },
    },
  ],
  async cleanup(ctx) {
    await ctx.client(LambdaClient).send(new DeleteFunctionCommand({ FunctionName: FUNCTION })).catch(() => undefined);
    await deleteRoleCompletely(ctx.client(IAMClient), ROLE);
    const q = await ctx.client(SQSClient).send(new GetQueueUrlCommand({ QueueName: QUEUE })).catch(() => undefined);
    if (q?.QueueUrl) await ctx.client(SQSClient).send(new DeleteQueueCommand({ QueueUrl: q.QueueUrl })).catch(() => undefined);
    await ctx.client(SESClient).send(new DeleteIdentityCommand({ Identity: SENDER })).catch(() => undefined);
  },
});
