import { randomInt } from 'node:crypto';
import {
  CloudFormationClient,
  DeleteStackCommand,
  DescribeStackEventsCommand,
  DescribeStackResourcesCommand,
  DescribeStacksCommand,
  ListExportsCommand,
  type Stack,
  type StackEvent,
  type StackResource,
} from '@aws-sdk/client-cloudformation';
import { GetRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { GetFunctionConfigurationCommand, InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { assert, decodePayload, defineLab, eventually, type CheckContext } from 'awslings/labkit';

const STACK = 'greeter';
const EXPORT = `${STACK}-FunctionArn`;
/** What the deploy step hands deploy.ts for its update: never the create's Hello or the failing update's Hola. */
const GREETINGS = ['Bonjour', 'Hallo', 'Ciao', 'Hej', 'Ahoj', 'Salut', 'Merhaba', 'Szia', 'Tere', 'Sveiki', 'Kia ora', 'Namaste'];

async function describe(ctx: CheckContext): Promise<Stack> {
  return (await ctx.client(CloudFormationClient).send(new DescribeStacksCommand({ StackName: STACK }))).Stacks![0];
}

/** Every event of the stack, oldest first. */
async function history(ctx: CheckContext): Promise<StackEvent[]> {
  const cfn = ctx.client(CloudFormationClient);
  const all: StackEvent[] = [];
  let NextToken: string | undefined;
  do {
    const page = await cfn.send(new DescribeStackEventsCommand({ StackName: STACK, NextToken }));
    all.push(...(page.StackEvents ?? []));
    NextToken = page.NextToken;
  } while (NextToken);
  return all.reverse();
}

/** One create or update of the stack: its events, and the status it ended in. */
interface Operation {
  kind: 'CREATE' | 'UPDATE';
  final?: string;
  events: StackEvent[];
}

const isStack = (e: StackEvent) => e.ResourceType === 'AWS::CloudFormation::Stack' && e.LogicalResourceId === STACK;
const FINAL = /^(CREATE_COMPLETE|CREATE_FAILED|ROLLBACK_COMPLETE|ROLLBACK_FAILED|UPDATE_COMPLETE|UPDATE_ROLLBACK_COMPLETE|UPDATE_ROLLBACK_FAILED|DELETE_COMPLETE|DELETE_FAILED)$/;

/** Splits the history into operations, at each CREATE_IN_PROGRESS or UPDATE_IN_PROGRESS of the stack itself. */
function operations(events: StackEvent[]): Operation[] {
  const ops: Operation[] = [];
  for (const e of events) {
    if (isStack(e) && (e.ResourceStatus === 'CREATE_IN_PROGRESS' || e.ResourceStatus === 'UPDATE_IN_PROGRESS')) {
      ops.push({ kind: e.ResourceStatus === 'CREATE_IN_PROGRESS' ? 'CREATE' : 'UPDATE', events: [] });
    }
    const op = ops.at(-1);
    if (!op) continue;
    op.events.push(e);
    if (isStack(e) && FINAL.test(e.ResourceStatus ?? '')) op.final = e.ResourceStatus;
  }
  return ops;
}

const summary = (ops: Operation[]) => ops.map((o) => `${o.kind} → ${o.final ?? 'in progress'}`);

async function resources(ctx: CheckContext): Promise<StackResource[]> {
  return (await ctx.client(CloudFormationClient).send(new DescribeStackResourcesCommand({ StackName: STACK }))).StackResources ?? [];
}

/** The stack's function: its logical id and name. */
async function functionOf(ctx: CheckContext): Promise<{ logicalId: string; name: string }> {
  const fns = (await resources(ctx)).filter((r) => r.ResourceType === 'AWS::Lambda::Function');
  const fn = fns.find((r) => r.LogicalResourceId === 'GreeterFunction') ?? fns[0];
  if (!fn?.PhysicalResourceId) ctx.fail(`The stack ${STACK} has no AWS::Lambda::Function.`, { found: fns.map((r) => r.LogicalResourceId) });
  return { logicalId: fn.LogicalResourceId!, name: fn.PhysicalResourceId };
}

const greetingIn = (e: StackEvent | undefined): string | undefined => {
  try {
    return (JSON.parse(e?.ResourceProperties ?? '{}') as { Environment?: { Variables?: Record<string, string> } }).Environment?.Variables?.GREETING;
  } catch {
    return undefined;
  }
};

const parameter = (s: Stack, key: string) => s.Parameters?.find((p) => p.ParameterKey === key)?.ParameterValue;

export default defineLab({
  id: 'cloudformation-stack',
  title: 'A stack from a template: create, update, and a rollback',
  module: '09-cloudformation',
  objectives: [
    'Write a template with parameters, a role, a function and an exported output, using Ref, GetAtt and Sub',
    'Create and update a stack from code, waiting for each operation to finish',
    'Watch a failed update roll back, and read the stack events that explain it',
  ],
  minutes: 45,
  services: ['cloudformation', 'iam', 'lambda', 'logs'],
  files: ['template.yaml', 'deploy.ts'],
  // deploy.ts gets a greeting it did not choose, a different one each time: the checks compare the
  // function's answers with the stack's parameters, so a greeting written into the code fails.
  async deploy(ctx) {
    const current = await ctx
      .client(CloudFormationClient)
      .send(new DescribeStacksCommand({ StackName: STACK }))
      .then((r) => parameter(r.Stacks![0], 'Greeting'))
      .catch(() => undefined);
    const choices = GREETINGS.filter((g) => g !== current);
    const greeting = choices[randomInt(choices.length)];
    ctx.log(`Running deploy.ts with the greeting "${greeting}" for its update.`);
    const r = await ctx.runScript('deploy.ts', { args: [greeting] });
    if (r.status === 'timeout') throw new Error('deploy.ts did not finish in time.');
    if (r.status !== 'ok') throw new Error(`deploy.ts stopped with exit code ${r.exitCode}.`);
  },
  checks: [
    {
      id: 'created',
      title: `The stack ${STACK} was created (CREATE_COMPLETE)`,
      points: 1,
      hint: 'Run the deploy step and read what it prints. A create that failed leaves ROLLBACK_COMPLETE, and the events name the resource and the reason; deploy.ts deletes such a stack before it creates it again.',
      async run(ctx) {
        const ops = operations(await history(ctx));
        assert(ops[0]?.kind === 'CREATE' && ops[0].final === 'CREATE_COMPLETE', `The stack's creation did not end in CREATE_COMPLETE.`, {
          expected: 'CREATE → CREATE_COMPLETE',
          found: summary(ops),
        });
      },
    },
    {
      id: 'updated',
      title: 'An update then changed the function (UPDATE_COMPLETE)',
      points: 2,
      hint: 'Step 2 of deploy.ts: UpdateStackCommand with the same template and another value for Greeting, then waitUntilStackUpdateComplete. The function must use the parameter (GREETING: !Ref Greeting), or the update has nothing to change in it.',
      async run(ctx) {
        const ops = operations(await history(ctx));
        const { logicalId } = await functionOf(ctx);
        const good = ops.filter((o) => o.kind === 'UPDATE' && o.final === 'UPDATE_COMPLETE');
        assert(good.length > 0, 'No update of the stack ended in UPDATE_COMPLETE.', { expected: 'CREATE → CREATE_COMPLETE, UPDATE → UPDATE_COMPLETE, …', found: summary(ops) });
        const touched = good.some((o) => o.events.some((e) => e.LogicalResourceId === logicalId && e.ResourceStatus === 'UPDATE_COMPLETE'));
        assert(touched, `The successful update did not change ${logicalId}: give Greeting another value, and pass it to the function.`, { found: summary(ops) });
      },
    },
    {
      id: 'role-and-function',
      title: 'The stack holds a role, and a function that runs with it',
      points: 1,
      hint: 'GreeterFunction\'s Role is !GetAtt GreeterRole.Arn: the ARN of the role the same stack creates.',
      async run(ctx) {
        const all = await resources(ctx);
        const role = all.find((r) => r.ResourceType === 'AWS::IAM::Role');
        assert(role?.PhysicalResourceId, `The stack ${STACK} has no AWS::IAM::Role.`, { found: all.map((r) => `${r.LogicalResourceId} (${r.ResourceType})`) });
        const { name } = await functionOf(ctx);
        const roleArn = (await ctx.client(IAMClient).send(new GetRoleCommand({ RoleName: role.PhysicalResourceId }))).Role!.Arn;
        const c = await ctx.client(LambdaClient).send(new GetFunctionConfigurationCommand({ FunctionName: name }));
        assert(c.Role === roleArn, `The function ${name} does not run with the stack's role.`, { expected: roleArn, found: c.Role });
      },
    },
    {
      id: 'export',
      title: `The function's ARN is an output, exported as ${EXPORT}`,
      points: 2,
      hint: 'Outputs: FunctionArn: Value: !GetAtt GreeterFunction.Arn, Export: Name: !Sub "${AWS::StackName}-FunctionArn". ListExports shows every export of the account and Region.',
      async run(ctx) {
        const stack = await describe(ctx);
        const { name } = await functionOf(ctx);
        const arn = (await ctx.client(LambdaClient).send(new GetFunctionConfigurationCommand({ FunctionName: name }))).FunctionArn;
        const out = stack.Outputs?.find((o) => o.ExportName === EXPORT);
        assert(out, `No output of ${STACK} is exported as ${EXPORT}.`, { found: stack.Outputs?.map((o) => ({ key: o.OutputKey, value: o.OutputValue, export: o.ExportName })) ?? 'no outputs' });
        assert(out.OutputValue === arn, `The output ${out.OutputKey} should be the function's ARN.`, { expected: arn, found: out.OutputValue });
        const cfn = ctx.client(CloudFormationClient);
        const exports = [];
        let NextToken: string | undefined;
        do {
          const page = await cfn.send(new ListExportsCommand({ NextToken }));
          exports.push(...(page.Exports ?? []));
          NextToken = page.NextToken;
        } while (NextToken);
        const ex = exports.find((e) => e.Name === EXPORT);
        assert(ex?.Value === arn && ex?.ExportingStackId === stack.StackId, `ListExports should list ${EXPORT}, exported by ${STACK}, with the function's ARN.`, {
          expected: { Name: EXPORT, Value: arn, ExportingStackId: stack.StackId },
          found: ex ?? 'no such export',
        });
      },
    },
    {
      id: 'greets',
      title: 'The function greets with the Greeting parameter',
      points: 2,
      timeoutMs: 20_000,
      hint: 'In the template, GreeterFunction\'s Environment.Variables.GREETING is !Ref Greeting; the code answers { message: `${process.env.GREETING}, ${event.name}!` }.',
      async run(ctx) {
        const stack = await describe(ctx);
        const greeting = parameter(stack, 'Greeting');
        assert(greeting !== undefined, `The stack has no Greeting parameter.`, { found: stack.Parameters });
        const { name } = await functionOf(ctx);
        const who = ctx.random('Ada-');
        const res = await ctx.client(LambdaClient).send(new InvokeCommand({ FunctionName: name, Payload: JSON.stringify({ name: who }), LogType: 'Tail' }));
        if (res.LogResult) ctx.log(Buffer.from(res.LogResult, 'base64').toString('utf8'));
        const answer = decodePayload(res.Payload);
        assert(!res.FunctionError, `The function failed when invoked with { "name": "${who}" }.`, { found: answer });
        const expected = { message: `${greeting}, ${who}!` };
        assert((answer as { message?: string })?.message === expected.message, `The stack's Greeting parameter is "${greeting}", but the function did not greet with it.`, { expected, found: answer });
      },
    },
    {
      id: 'rolled-back',
      title: 'The last update failed and rolled back (UPDATE_ROLLBACK_COMPLETE)',
      points: 2,
      hint: 'Step 3 of deploy.ts: an update with RetryAttempts 5, which Lambda refuses (it accepts 0 to 2). The template must pass RetryAttempts to an AWS::Lambda::EventInvokeConfig, or the bad value reaches nothing that checks it.',
      async run(ctx) {
        const stack = await describe(ctx);
        const ops = operations(await history(ctx));
        const last = ops.at(-1);
        assert(stack.StackStatus === 'UPDATE_ROLLBACK_COMPLETE' && last?.kind === 'UPDATE', `The stack should be UPDATE_ROLLBACK_COMPLETE after a failed update.`, {
          expected: 'UPDATE_ROLLBACK_COMPLETE',
          found: { status: stack.StackStatus, history: summary(ops) },
        });
        const failed = last.events.filter((e) => e.ResourceStatus?.endsWith('_FAILED') && !isStack(e));
        assert(failed.length > 0, 'No resource failed in the last update.', { found: summary(ops) });
        for (const f of failed) ctx.log(`${f.LogicalResourceId} ${f.ResourceStatus}: ${f.ResourceStatusReason}`);
      },
    },
    {
      id: 'function-unchanged',
      title: 'The rollback put the function back as the last good update left it',
      points: 2,
      timeoutMs: 20_000,
      hint: 'The failing update must also change Greeting, so CloudFormation updates the function before the retry setting fails, and then has to undo it. GreeterRetries depends on GreeterFunction (!Ref), so the function is updated first.',
      async run(ctx) {
        const stack = await describe(ctx);
        const ops = operations(await history(ctx));
        const last = ops.at(-1);
        assert(last?.final === 'UPDATE_ROLLBACK_COMPLETE', 'The last operation on the stack is not a rolled-back update.', { found: summary(ops) });
        const { logicalId, name } = await functionOf(ctx);
        const good = parameter(stack, 'Greeting');
        const attempted = greetingIn(last.events.find((e) => e.LogicalResourceId === logicalId && e.ResourceStatus === 'UPDATE_IN_PROGRESS'));
        assert(attempted !== undefined && attempted !== good, `The failed update did not try to change ${logicalId}'s greeting, so there was nothing for the rollback to undo.`, {
          expected: `a GREETING other than "${good}" in the failed update`,
          found: attempted ?? `${logicalId} was not updated`,
        });
        // The configuration CloudFormation restored, as Lambda reports it now.
        const live = await eventually(async () => {
          const c = await ctx.client(LambdaClient).send(new GetFunctionConfigurationCommand({ FunctionName: name }));
          return c.LastUpdateStatus === 'InProgress' ? undefined : c;
        }, 10_000);
        const now = live?.Environment?.Variables?.GREETING;
        assert(now === good, `After the rollback, ${name}'s GREETING should be the last good value again.`, { expected: good, found: now });
        ctx.log(`The failed update tried GREETING="${attempted}"; the rollback restored "${now}".`);
      },
    },
  ],
  async cleanup(ctx) {
    const cfn = ctx.client(CloudFormationClient);
    await cfn.send(new DeleteStackCommand({ StackName: STACK })).catch(() => undefined);
    await eventually(async () => {
      const s = await cfn.send(new DescribeStacksCommand({ StackName: STACK })).catch(() => undefined);
      return !s?.Stacks?.length || s.Stacks[0].StackStatus === 'DELETE_COMPLETE' || s.Stacks[0].StackStatus === 'DELETE_FAILED';
    }, 30_000, 250);
  },
});
