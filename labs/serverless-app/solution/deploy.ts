// Deploys template.yaml as the stack "notes-app": creates it the first time, updates it afterwards.
// Run it with: npx awslings deploy serverless-app
import { readFileSync } from 'node:fs';
import {
  CloudFormationClient,
  CreateStackCommand,
  DeleteStackCommand,
  DescribeStackEventsCommand,
  DescribeStacksCommand,
  UpdateStackCommand,
  waitUntilStackDeleteComplete,
} from '@aws-sdk/client-cloudformation';

const cfn = new CloudFormationClient({});
const StackName = 'notes-app';
const TemplateBody = readFileSync('template.yaml', 'utf8');
// The template makes IAM roles: CloudFormation wants you to acknowledge that.
const Capabilities = ['CAPABILITY_IAM' as const];

async function stack() {
  try {
    return (await cfn.send(new DescribeStacksCommand({ StackName }))).Stacks![0];
  } catch (e) {
    if (/does not exist/.test((e as Error).message)) return undefined;
    throw e;
  }
}

/** Polls until the stack leaves *_IN_PROGRESS (AWS's waiters poll every 30 s; the sandbox takes a second or two). */
async function settle(): Promise<string> {
  const end = Date.now() + 10 * 60_000;
  for (;;) {
    const status = (await stack())?.StackStatus ?? 'DELETE_COMPLETE';
    if (!status.endsWith('_IN_PROGRESS')) return status;
    if (Date.now() > end) throw new Error(`The stack is still ${status} after 10 minutes.`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** The reasons of the resources that failed in the stack's latest operation: what to fix. */
async function failures(): Promise<string[]> {
  const events = (await cfn.send(new DescribeStackEventsCommand({ StackName }))).StackEvents ?? [];
  const latest = events.findIndex((e) => e.LogicalResourceId === StackName && /^(CREATE|UPDATE)_IN_PROGRESS$/.test(e.ResourceStatus ?? ''));
  return events
    .slice(0, latest === -1 ? undefined : latest)
    .filter((e) => e.ResourceStatus?.endsWith('_FAILED') && e.ResourceStatusReason !== 'Resource creation cancelled')
    .map((e) => `${e.LogicalResourceId} (${e.ResourceType}): ${e.ResourceStatusReason}`);
}

// A stack whose creation failed (ROLLBACK_COMPLETE) can only be deleted: start again.
if ((await stack())?.StackStatus === 'ROLLBACK_COMPLETE') {
  console.log('The last create failed and left the stack in ROLLBACK_COMPLETE: deleting it first.');
  await cfn.send(new DeleteStackCommand({ StackName }));
  await waitUntilStackDeleteComplete({ client: cfn, maxWaitTime: 120, minDelay: 1, maxDelay: 2 }, { StackName });
}

let status: string;
if (!(await stack())) {
  await cfn.send(new CreateStackCommand({ StackName, TemplateBody, Capabilities }));
  console.log(`Creating the stack ${StackName}…`);
  status = await settle();
} else {
  try {
    await cfn.send(new UpdateStackCommand({ StackName, TemplateBody, Capabilities }));
    console.log(`Updating the stack ${StackName}…`);
    status = await settle();
  } catch (e) {
    if ((e as Error).message !== 'No updates are to be performed.') throw e;
    status = `${(await stack())!.StackStatus} (the template has not changed: nothing to update)`;
  }
}
console.log(`Stack ${StackName}: ${status}`);

if (!/^(CREATE|UPDATE)_COMPLETE/.test(status)) {
  for (const f of await failures()) console.log(`  ${f}`);
  process.exit(1);
}
for (const o of (await stack())!.Outputs ?? []) console.log(`  ${o.OutputKey} = ${o.OutputValue}`);
