// Deploys template.yaml as the stack "vpc-network": creates it the first time, updates it after.
// Run it with: npx awslings deploy vpc-network
// You do not need to change this file: the lab is in template.yaml.
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
} from '@aws-sdk/client-cloudformation';

const cfn = new CloudFormationClient({});
const StackName = 'vpc-network';
const TemplateBody = readFileSync('template.yaml', 'utf8');
// The template makes an IAM role: CloudFormation wants you to acknowledge that.
const Capabilities = ['CAPABILITY_IAM' as const];
// AWS's waiters poll every 30 s by default; in the sandbox a NAT gateway takes a few seconds.
const waiter = { client: cfn, maxWaitTime: 170, minDelay: 1, maxDelay: 3 };

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
    .map((e) => `  ${e.LogicalResourceId}: ${e.ResourceStatusReason}`);
}

// A stack whose creation failed (ROLLBACK_COMPLETE) can only be deleted: start again.
if ((await stack())?.StackStatus === 'ROLLBACK_COMPLETE') {
  await cfn.send(new DeleteStackCommand({ StackName }));
  await waitUntilStackDeleteComplete(waiter, { StackName });
  console.log('Deleted the stack left by a failed create.');
}

let result: string;
if (!(await stack())) {
  console.log(`Creating the stack ${StackName}…`);
  await cfn.send(new CreateStackCommand({ StackName, TemplateBody, Capabilities }));
  result = await waitUntilStackCreateComplete(waiter, { StackName }).then(
    () => 'CREATE_COMPLETE',
    async () => String((await stack())?.StackStatus),
  );
} else {
  console.log(`Updating the stack ${StackName}…`);
  try {
    await cfn.send(new UpdateStackCommand({ StackName, TemplateBody, Capabilities }));
    result = await waitUntilStackUpdateComplete(waiter, { StackName }).then(
      () => 'UPDATE_COMPLETE',
      async () => String((await stack())?.StackStatus),
    );
  } catch (e) {
    // Deploying the same template again is not an error.
    if (!/No updates are to be performed/.test((e as Error).message)) throw e;
    result = 'no changes';
  }
}

console.log(`${StackName}: ${result}`);
if (result !== 'CREATE_COMPLETE' && result !== 'UPDATE_COMPLETE' && result !== 'no changes') {
  console.log('What failed:');
  console.log((await failures()).join('\n'));
  process.exit(1);
}
for (const o of (await stack())?.Outputs ?? []) console.log(`  ${o.OutputKey}: ${o.OutputValue}`);
