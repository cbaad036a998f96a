// Deploys template.yaml as the stack "greeter" in three steps: create, update, and an update that fails.
// Run it with: npx awslings deploy cloudformation-stack
// That command passes a greeting as the first argument, a new one each time: step 2 deploys it.
import { readFileSync } from 'node:fs';
import {
  CloudFormationClient,
  CreateStackCommand,
  DeleteStackCommand,
  DescribeStackEventsCommand,
  DescribeStacksCommand,
  UpdateStackCommand,
  waitUntilStackCreateComplete,
  waitUntilStackDeleteComplete,
  waitUntilStackUpdateComplete,
  type Parameter,
} from '@aws-sdk/client-cloudformation';

const cfn = new CloudFormationClient({});
const StackName = 'greeter';
const greeting = process.argv[2] ?? 'Bonjour';
const TemplateBody = readFileSync('template.yaml', 'utf8');
// The template makes an IAM role: CloudFormation wants you to acknowledge that.
const Capabilities = ['CAPABILITY_IAM' as const];
// AWS's waiters poll every 30 s by default; the sandbox finishes in milliseconds.
const waiter = { client: cfn, maxWaitTime: 120, minDelay: 1, maxDelay: 5 };

const parameters = (word: string, retryAttempts: number): Parameter[] => [
  { ParameterKey: 'Greeting', ParameterValue: word },
  { ParameterKey: 'RetryAttempts', ParameterValue: String(retryAttempts) },
];

async function stack() {
  try {
    return (await cfn.send(new DescribeStacksCommand({ StackName }))).Stacks![0];
  } catch (e) {
    if (/does not exist/.test((e as Error).message)) return undefined;
    throw e;
  }
}

/** The reasons of the resources that failed in the stack's latest operation. */
async function failures(): Promise<string[]> {
  const events = (await cfn.send(new DescribeStackEventsCommand({ StackName }))).StackEvents ?? [];
  const latest = events.findIndex((e) => e.LogicalResourceId === StackName && /^(CREATE|UPDATE)_IN_PROGRESS$/.test(e.ResourceStatus ?? ''));
  return events
    .slice(0, latest === -1 ? undefined : latest)
    .filter((e) => e.ResourceStatus?.endsWith('_FAILED'))
    .map((e) => `${e.LogicalResourceId}: ${e.ResourceStatusReason}`);
}

/** UpdateStack, waiting for the outcome; "nothing to update" is not an error when deploying again. */
async function update(word: string, retryAttempts: number): Promise<string> {
  try {
    await cfn.send(new UpdateStackCommand({ StackName, TemplateBody, Parameters: parameters(word, retryAttempts), Capabilities }));
  } catch (e) {
    if ((e as Error).message === 'No updates are to be performed.') return 'no change';
    throw e;
  }
  // The waiter throws when the stack ends in another state than UPDATE_COMPLETE (a rollback, for one).
  await waitUntilStackUpdateComplete(waiter, { StackName }).catch(() => undefined);
  return (await stack())!.StackStatus!;
}

// A stack whose creation failed (ROLLBACK_COMPLETE) can only be deleted: start again.
if ((await stack())?.StackStatus === 'ROLLBACK_COMPLETE') {
  await cfn.send(new DeleteStackCommand({ StackName }));
  await waitUntilStackDeleteComplete(waiter, { StackName });
  console.log('deleted the stack left by a failed create');
}

// 1. Create.
if (!(await stack())) {
  await cfn.send(new CreateStackCommand({ StackName, TemplateBody, Parameters: parameters('Hello', 2), Capabilities }));
  const created = await waitUntilStackCreateComplete(waiter, { StackName }).then(
    () => 'CREATE_COMPLETE',
    async () => `${(await stack())?.StackStatus}: ${(await failures()).join('; ')}`,
  );
  console.log(`1. create: ${created}`);
  if (created !== 'CREATE_COMPLETE') process.exit(1);
}

// 2. Update: the new greeting. CloudFormation changes the function's configuration in place.
const good = await update(greeting, 2);
console.log(`2. update: ${good}`);
if (good !== 'UPDATE_COMPLETE' && good !== 'no change') process.exit(1);

// 3. An update that fails: Lambda refuses 5 retries (0 to 2 only), after the function has already
// been given the new greeting. CloudFormation then puts the function back as step 2 left it.
const bad = await update('Hola', 5);
console.log(`3. failing update: ${bad}`);
for (const f of await failures()) console.log(`   ${f}`);

const { Outputs = [] } = (await stack())!;
for (const o of Outputs) console.log(`output ${o.OutputKey} = ${o.OutputValue}${o.ExportName ? ` (exported as ${o.ExportName})` : ''}`);
