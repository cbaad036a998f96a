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

// 2. TODO: update the stack with the new greeting (UpdateStackCommand: StackName, TemplateBody,
//    Parameters: parameters(greeting, 2), Capabilities), then wait for it
//    (waitUntilStackUpdateComplete). Deploying again with the same values is refused with
//    "No updates are to be performed.": treat that message as "nothing to do".

// 3. TODO: an update that fails: yet another Greeting ('Hola'), and RetryAttempts 5 (Lambda accepts 0 to 2).
//    The waiter throws when the stack does not end in UPDATE_COMPLETE: catch that, then print the
//    stack's status (DescribeStacks) and the failures() that explain it.
void UpdateStackCommand;
void waitUntilStackUpdateComplete;
