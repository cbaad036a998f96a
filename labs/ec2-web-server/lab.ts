import { randomInt } from 'node:crypto';
import {
  CreateNetworkInsightsPathCommand,
  DeleteKeyPairCommand,
  DeleteNetworkInsightsPathCommand,
  DeleteSecurityGroupCommand,
  DescribeInstanceAttributeCommand,
  DescribeInstancesCommand,
  DescribeInternetGatewaysCommand,
  DescribeNetworkInsightsAnalysesCommand,
  DescribeRouteTablesCommand,
  DescribeSecurityGroupsCommand,
  EC2Client,
  StartNetworkInsightsAnalysisCommand,
  TerminateInstancesCommand,
  type Instance,
  type IpPermission,
  type NetworkInsightsAnalysis,
} from '@aws-sdk/client-ec2';
import { assert, defineLab, eventually, type CheckContext } from 'awslings/labkit';

const NAME = 'web-server';
const GROUP = 'web-server-sg';
const KEY = 'web-server-key';
/** The office's address, from the README: a documentation address (RFC 5737), never a real host. */
const OFFICE = '203.0.113.10';

/** The newest running (or starting) instance tagged Name=web-server. */
async function server(ctx: CheckContext): Promise<Instance> {
  if (ctx.shared.instance) return ctx.shared.instance as Instance;
  const res = await ctx.client(EC2Client).send(
    new DescribeInstancesCommand({ Filters: [{ Name: 'tag:Name', Values: [NAME] }, { Name: 'instance-state-name', Values: ['pending', 'running'] }] }),
  );
  const all = (res.Reservations ?? []).flatMap((r) => r.Instances ?? []).sort((a, b) => b.LaunchTime!.getTime() - a.LaunchTime!.getTime());
  if (!all.length) ctx.fail(`No instance tagged Name=${NAME} is running.`, { expected: `a running instance with the tag Name=${NAME}`, found: 'none: deploy.ts must launch it (RunInstancesCommand, step 6); then run npx awslings deploy ec2-web-server' });
  ctx.shared.instance = all[0];
  return all[0];
}

/** Every inbound rule of the instance's security groups, one peer per rule. */
async function inbound(ctx: CheckContext): Promise<{ group: string; protocol: string; from?: number; to?: number; cidr: string }[]> {
  const i = await server(ctx);
  const ids = (i.SecurityGroups ?? []).map((g) => g.GroupId!);
  const groups = (await ctx.client(EC2Client).send(new DescribeSecurityGroupsCommand({ GroupIds: ids }))).SecurityGroups ?? [];
  return groups.flatMap((g) =>
    (g.IpPermissions ?? []).flatMap((p: IpPermission) => {
      const base = { group: g.GroupName ?? g.GroupId!, protocol: p.IpProtocol!, from: p.FromPort, to: p.ToPort };
      return [
        ...(p.IpRanges ?? []).map((r) => ({ ...base, cidr: r.CidrIp! })),
        ...(p.Ipv6Ranges ?? []).map((r) => ({ ...base, cidr: r.CidrIpv6! })),
        ...(p.UserIdGroupPairs ?? []).map((r) => ({ ...base, cidr: `group ${r.GroupId}` })),
        ...(p.PrefixListIds ?? []).map((r) => ({ ...base, cidr: `prefix list ${r.PrefixListId}` })),
      ];
    }),
  );
}

/** Whether a rule lets TCP traffic in on a port: its own protocol and range, or "all traffic". */
const covers = (r: { protocol: string; from?: number; to?: number }, port: number) =>
  r.protocol === '-1' || ((r.protocol === 'tcp' || r.protocol === '6') && (r.from ?? 0) <= port && port <= (r.to ?? 65535));

const show = (rules: Awaited<ReturnType<typeof inbound>>) => rules.map((r) => `${r.protocol === '-1' ? 'all traffic' : `${r.protocol} ${r.from}-${r.to}`} from ${r.cidr} (${r.group})`);

/** A public address that is neither private, shared, nor the office's: "somewhere on the internet". */
function somewhere(): string {
  const first = [randomInt(11, 100), randomInt(101, 127), randomInt(129, 169), randomInt(173, 191)][randomInt(4)];
  return `${first}.${randomInt(256)}.${randomInt(256)}.${randomInt(1, 255)}`;
}

async function gatewayOf(ctx: CheckContext, vpcId: string): Promise<string> {
  const igw = (await ctx.client(EC2Client).send(new DescribeInternetGatewaysCommand({ Filters: [{ Name: 'attachment.vpc-id', Values: [vpcId] }] }))).InternetGateways?.[0];
  if (!igw) ctx.fail(`The instance's VPC ${vpcId} has no internet gateway: nothing on the internet can reach it.`);
  return igw.InternetGatewayId!;
}

/** Runs a Reachability Analyzer analysis from the internet (one address) to the server, and waits for its result. */
async function fromInternet(ctx: CheckContext, sourceIp: string, port: number): Promise<NetworkInsightsAnalysis> {
  const ec2 = ctx.client(EC2Client);
  const i = await server(ctx);
  const igw = await gatewayOf(ctx, i.VpcId!);
  const p = await ec2.send(new CreateNetworkInsightsPathCommand({ Source: igw, SourceIp: sourceIp, Destination: i.InstanceId, Protocol: 'tcp', DestinationPort: port }));
  const pathId = p.NetworkInsightsPath!.NetworkInsightsPathId!;
  ((ctx.shared.paths ??= []) as string[]).push(pathId);
  const id = (await ec2.send(new StartNetworkInsightsAnalysisCommand({ NetworkInsightsPathId: pathId }))).NetworkInsightsAnalysis!.NetworkInsightsAnalysisId!;
  const done = await eventually(
    async () => {
      const a = (await ec2.send(new DescribeNetworkInsightsAnalysesCommand({ NetworkInsightsAnalysisIds: [id] }))).NetworkInsightsAnalyses![0];
      return a.Status === 'running' ? undefined : a;
    },
    180_000,
    500,
  );
  if (!done) throw new Error(`The analysis ${id} did not finish in time.`);
  return done;
}

const blockedBy = (a: NetworkInsightsAnalysis) => a.Explanations?.map((e) => `${e.ExplanationCode} at ${e.Component?.Id}`).join('; ') || 'nothing';
const hops = (a: NetworkInsightsAnalysis) => a.ForwardPathComponents?.map((c) => c.Component?.Id).join(' → ');

/** A script that installs a web server and starts it (or starts one that needs no installing). */
const WEB_SERVER = /\b(nginx|httpd|apache2|caddy|lighttpd)\b/;
const INSTALLS = /\b(dnf|yum|apt-get|apt)\b[^\n]*\binstall\b[^\n]*\b(nginx|httpd|apache2|caddy|lighttpd)\b/;
const STARTS = /systemctl\s+(start|restart|enable\s+--now)\s+[^\n]*\b(nginx|httpd|apache2|caddy|lighttpd)\b|\bservice\s+(nginx|httpd|apache2)\s+start\b/;
const PYTHON = /\bpython3?\s+-m\s+http\.server\b/;

export default defineLab({
  id: 'ec2-web-server',
  title: 'A web server on EC2: open port 80 to the world, SSH to one address',
  module: '11-ec2',
  objectives: [
    'Launch a t3.micro instance in a public subnet with an AMI, a key pair and user data',
    'Write security group rules that open HTTP to everyone and SSH to a single /32 only',
    'Check with the Reachability Analyzer what the internet can and cannot reach, and why',
  ],
  minutes: 40,
  services: ['ec2'],
  files: ['deploy.ts'],
  checks: [
    {
      id: 'running',
      title: `An instance tagged Name=${NAME} is running: a t3.micro with the key pair ${KEY}`,
      points: 1,
      timeoutMs: 30_000,
      hint: `RunInstancesCommand with ImageId, InstanceType 't3.micro', MinCount and MaxCount 1, KeyName '${KEY}', and TagSpecifications [{ ResourceType: 'instance', Tags: [{ Key: 'Name', Value: '${NAME}' }] }]; then waitUntilInstanceRunning.`,
      async run(ctx) {
        // An instance just launched is pending for a few seconds.
        const first = await server(ctx);
        const i = await eventually(async () => {
          const r = await ctx.client(EC2Client).send(new DescribeInstancesCommand({ InstanceIds: [first.InstanceId!] }));
          const now = r.Reservations![0].Instances![0];
          return now.State?.Name === 'pending' ? undefined : now;
        }, 20_000, 500);
        assert(i?.State?.Name === 'running', `The instance ${first.InstanceId} is not running.`, { expected: 'running', found: i?.State?.Name ?? 'still pending' });
        ctx.shared.instance = i;
        assert(i.InstanceType === 't3.micro', `The instance ${i.InstanceId} should be a t3.micro.`, { expected: 't3.micro', found: i.InstanceType });
        assert(i.KeyName === KEY, `The instance ${i.InstanceId} should be launched with the key pair ${KEY}.`, { expected: KEY, found: i.KeyName ?? 'no key pair' });
        ctx.log(`${i.InstanceId} (${i.InstanceType}) in ${i.SubnetId}, ${i.Placement?.AvailabilityZone}`);
      },
    },
    {
      id: 'public-address',
      title: 'It has a public IP address, in a subnet whose route table sends 0.0.0.0/0 to an internet gateway',
      points: 1,
      hint: "A default subnet of the default VPC gives every instance a public address and routes to the VPC's internet gateway. Launch in one of them (the starter finds it for you: SubnetId: subnet.SubnetId).",
      async run(ctx) {
        const i = await server(ctx);
        assert(i.PublicIpAddress, `The instance ${i.InstanceId} has no public IP address: the internet has no address to send packets to.`, { expected: 'a PublicIpAddress', found: 'none' });
        const ec2 = ctx.client(EC2Client);
        const tables = (await ec2.send(new DescribeRouteTablesCommand({ Filters: [{ Name: 'vpc-id', Values: [i.VpcId!] }] }))).RouteTables ?? [];
        const table = tables.find((t) => t.Associations?.some((a) => a.SubnetId === i.SubnetId)) ?? tables.find((t) => t.Associations?.some((a) => a.Main));
        const route = table?.Routes?.find((r) => r.DestinationCidrBlock === '0.0.0.0/0');
        assert(route && route.GatewayId?.startsWith('igw-') && route.State === 'active', `The subnet ${i.SubnetId} is not public: its route table has no active route 0.0.0.0/0 to an internet gateway.`, {
          expected: '0.0.0.0/0 → igw-…',
          found: table?.Routes?.map((r) => `${r.DestinationCidrBlock} → ${r.GatewayId ?? r.NatGatewayId ?? '?'} (${r.State})`),
        });
        ctx.log(`public address ${i.PublicIpAddress}; ${table!.RouteTableId}: 0.0.0.0/0 → ${route.GatewayId}`);
      },
    },
    {
      id: 'http-open',
      title: 'Its security group allows HTTP (TCP 80) from anywhere (0.0.0.0/0)',
      points: 1,
      hint: "An inbound rule { IpProtocol: 'tcp', FromPort: 80, ToPort: 80, IpRanges: [{ CidrIp: '0.0.0.0/0' }] } in the group the instance uses.",
      async run(ctx) {
        const rules = await inbound(ctx);
        assert(
          rules.some((r) => covers(r, 80) && r.cidr === '0.0.0.0/0'),
          'No inbound rule of the instance\'s security groups lets TCP port 80 in from 0.0.0.0/0.',
          { expected: 'tcp 80-80 from 0.0.0.0/0', found: show(rules) },
        );
      },
    },
    {
      id: 'ssh-office-only',
      title: `SSH (TCP 22) is allowed from ${OFFICE}/32 and from nowhere else`,
      points: 2,
      hint: `One rule for port 22 with CidrIp '${OFFICE}/32' (a /32 is exactly one address). No rule may open port 22 to 0.0.0.0/0, to a wider range, or through an "all traffic" (-1) rule or a port range that includes 22.`,
      async run(ctx) {
        const rules = await inbound(ctx);
        const ssh = rules.filter((r) => covers(r, 22));
        const others = ssh.filter((r) => r.cidr !== `${OFFICE}/32`);
        assert(!others.length, `Port 22 is open to more than the office: ${show(others).join('; ')}.`, { expected: `tcp 22 from ${OFFICE}/32 only`, found: show(ssh) });
        assert(ssh.length > 0, `No rule lets SSH (port 22) in from the office, ${OFFICE}/32.`, { expected: `tcp 22-22 from ${OFFICE}/32`, found: show(rules) });
      },
    },
    {
      id: 'user-data',
      title: 'Its user data is a script that installs and starts a web server',
      points: 2,
      hint: "UserData is the Base64 of a script that starts with #!/bin/bash, installs a web server (dnf install -y nginx, on Amazon Linux 2023) and starts it (systemctl enable --now nginx). Encode it with Buffer.from(script).toString('base64').",
      async run(ctx) {
        const i = await server(ctx);
        const attr = await ctx.client(EC2Client).send(new DescribeInstanceAttributeCommand({ InstanceId: i.InstanceId, Attribute: 'userData' }));
        const encoded = attr.UserData?.Value;
        assert(encoded, `The instance ${i.InstanceId} has no user data.`, { expected: 'a Base64-encoded script', found: 'none' });
        const script = Buffer.from(encoded, 'base64').toString('utf8');
        ctx.log(script);
        assert(script.startsWith('#!'), 'The user data, decoded from Base64, should be a script starting with #! (for example #!/bin/bash).', { found: script.slice(0, 200) });
        const serves = PYTHON.test(script) || (WEB_SERVER.test(script) && INSTALLS.test(script) && STARTS.test(script));
        assert(serves, 'The script should install a web server and start it.', {
          expected: 'for example: dnf install -y nginx, then systemctl enable --now nginx',
          found: { installs: INSTALLS.test(script), starts: STARTS.test(script) || PYTHON.test(script), script: script.slice(0, 400) },
        });
      },
    },
    {
      id: 'reach-http',
      title: 'The Reachability Analyzer finds a path from the internet to port 80',
      points: 1,
      timeoutMs: 200_000,
      hint: 'Every hop must let it through: the internet gateway (the instance needs a public address), the subnet\'s network ACL, the instance\'s security group (port 80 from 0.0.0.0/0), and a route back to the gateway for the reply.',
      async run(ctx) {
        const from = somewhere();
        const a = await fromInternet(ctx, from, 80);
        assert(a.NetworkPathFound === true, `No path from ${from} (somewhere on the internet) to port 80.`, { expected: 'NetworkPathFound: true', found: `blocked by ${blockedBy(a)}` });
        ctx.log(`${from} → port 80: ${hops(a)}`);
      },
    },
    {
      id: 'reach-ssh',
      title: `Port 22 is not reachable from the internet, and is from ${OFFICE}`,
      points: 2,
      timeoutMs: 200_000,
      hint: `From an address other than ${OFFICE}, the analysis should stop at the security group (ENI_SG_RULES_MISMATCH); from ${OFFICE} it should find a path.`,
      async run(ctx) {
        const from = somewhere();
        const [stranger, office] = await Promise.all([fromInternet(ctx, from, 22), fromInternet(ctx, OFFICE, 22)]);
        assert(stranger.NetworkPathFound === false, `The analyzer found a path from ${from} (a stranger on the internet) to port 22.`, { expected: 'NetworkPathFound: false', found: hops(stranger) });
        ctx.log(`${from} → port 22: blocked by ${blockedBy(stranger)}`);
        assert(office.NetworkPathFound === true, `No path from the office (${OFFICE}) to port 22.`, { expected: 'NetworkPathFound: true', found: `blocked by ${blockedBy(office)}` });
        ctx.log(`${OFFICE} → port 22: ${hops(office)}`);
      },
    },
  ],
  async afterChecks(ctx) {
    const ec2 = ctx.client(EC2Client);
    for (const id of (ctx.shared.paths as string[] | undefined) ?? []) await ec2.send(new DeleteNetworkInsightsPathCommand({ NetworkInsightsPathId: id })).catch(() => undefined);
  },
  async cleanup(ctx) {
    const ec2 = ctx.client(EC2Client);
    const res = await ec2.send(new DescribeInstancesCommand({ Filters: [{ Name: 'tag:Name', Values: [NAME] }, { Name: 'instance-state-name', Values: ['pending', 'running', 'stopping', 'stopped'] }] }));
    const ids = (res.Reservations ?? []).flatMap((r) => r.Instances ?? []).map((i) => i.InstanceId!);
    if (ids.length) await ec2.send(new TerminateInstancesCommand({ InstanceIds: ids }));
    // The group can go once no instance uses it any more.
    await eventually(async () => {
      try {
        await ec2.send(new DeleteSecurityGroupCommand({ GroupName: GROUP }));
        return true;
      } catch (e) {
        return (e as { name?: string }).name === 'InvalidGroup.NotFound' ? true : undefined;
      }
    }, 60_000, 1000);
    await ec2.send(new DeleteKeyPairCommand({ KeyName: KEY })).catch(() => undefined);
  },
});
