import * as EC2 from '@aws-sdk/client-ec2';
import * as STS from '@aws-sdk/client-sts';
import { ms, report, spawnEmulator, stats, stop } from './lib.js';

const cfg = (endpoint: string, accessKeyId = 'test') => ({ endpoint, region: 'us-east-1', credentials: { accessKeyId, secretAccessKey: 'test' }, maxAttempts: 1 });

async function timed(n: number, fn: () => Promise<unknown>): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await fn();
    out.push(performance.now() - t);
  }
  return out;
}

/**
 * Launches instances in batches of 100 (like a fleet of autoscaled workers): in each batch ten
 * t3.micro, one of them tagged team=blue, and ninety t3.small.
 */
async function launch(ec2: EC2.EC2Client, batches: number, ImageId: string): Promise<void> {
  const tags = [{ ResourceType: 'instance' as const, Tags: [{ Key: 'team', Value: 'blue' }] }];
  for (let b = 0; b < batches; b++) {
    await ec2.send(new EC2.RunInstancesCommand({ ImageId, InstanceType: 't3.micro', MinCount: 1, MaxCount: 1, TagSpecifications: tags }));
    await ec2.send(new EC2.RunInstancesCommand({ ImageId, InstanceType: 't3.micro', MinCount: 9, MaxCount: 9 }));
    await ec2.send(new EC2.RunInstancesCommand({ ImageId, InstanceType: 't3.small', MinCount: 90, MaxCount: 90 }));
  }
}

/**
 * EC2 (issue 9), through the SDK against `awslings emulator` in its own process: DescribeInstances
 * with 1,000 instances and a filter. Baselines in the same run: the same call in an account of
 * ten instances (all matching), and STS GetCallerIdentity (the cheapest call the emulator answers).
 */
export async function ec2Bench(): Promise<void> {
  console.log('\nEC2 (issue 9)');
  const e = await spawnEmulator();
  try {
    const sts = new STS.STSClient(cfg(e.url));
    const big = new EC2.EC2Client(cfg(e.url));
    const small = new EC2.EC2Client(cfg(e.url, '111111111111'));
    const ImageId = (await big.send(new EC2.DescribeImagesCommand({ Owners: ['amazon'], Filters: [{ Name: 'name', Values: ['al2023-ami-*-x86_64'] }] }))).Images![0].ImageId!;
    await launch(big, 10, ImageId);
    // The baseline account: ten instances, all matching the filter.
    await small.send(new EC2.RunInstancesCommand({ ImageId, InstanceType: 't3.micro', MinCount: 10, MaxCount: 10, TagSpecifications: [{ ResourceType: 'instance', Tags: [{ Key: 'team', Value: 'blue' }] }] }));
    // Instances boot in about three seconds: the filters ask for running ones.
    await new Promise((r) => setTimeout(r, 3500));

    const count = async (c: EC2.EC2Client, q: EC2.DescribeInstancesRequest) => (await c.send(new EC2.DescribeInstancesCommand(q))).Reservations!.flatMap((r) => r.Instances!).length;
    const blue: EC2.DescribeInstancesRequest = { Filters: [{ Name: 'tag:team', Values: ['blue'] }, { Name: 'instance-state-name', Values: ['running'] }] };
    const micro: EC2.DescribeInstancesRequest = { Filters: [{ Name: 'instance-type', Values: ['t3.micro'] }, { Name: 'instance-state-name', Values: ['running'] }] };
    if ((await count(big, {})) !== 1000 || (await count(big, blue)) !== 10 || (await count(big, micro)) !== 100 || (await count(small, blue)) !== 10) {
      throw new Error('the bench fleet is not as expected');
    }

    await timed(100, () => sts.send(new STS.GetCallerIdentityCommand({})));
    const floor = stats(await timed(500, () => sts.send(new STS.GetCallerIdentityCommand({})))).p50;
    await timed(30, () => small.send(new EC2.DescribeInstancesCommand(blue)));
    const base = stats(await timed(300, () => small.send(new EC2.DescribeInstancesCommand(blue)))).p50;
    await timed(30, () => big.send(new EC2.DescribeInstancesCommand(blue)));
    const run = stats(await timed(300, () => big.send(new EC2.DescribeInstancesCommand(blue))));
    report(
      'DescribeInstances, 1,000 instances, tag and state filter matching 10 (p50, one client)',
      ms(run.p50),
      '< 20 ms',
      run.p50 < 20,
      `p90 ${ms(run.p90)}; the same call on an account of 10 instances ${ms(base)} (ratio ${(run.p50 / base).toFixed(2)}x); GetCallerIdentity ${ms(floor)}`,
    );
    const hundred = stats(await timed(100, () => big.send(new EC2.DescribeInstancesCommand(micro))));
    report('DescribeInstances, 1,000 instances, filter matching 100 (p50)', ms(hundred.p50), 'for information', true, `p90 ${ms(hundred.p90)}; mostly the SDK client parsing ~430 KB of XML`);
    const all = stats(await timed(30, () => big.send(new EC2.DescribeInstancesCommand({}))));
    report('DescribeInstances, all 1,000 instances, no filter (p50)', ms(all.p50), 'for information', true, `p90 ${ms(all.p90)}`);
  } finally {
    await stop(e.child);
  }
}
