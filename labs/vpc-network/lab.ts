import { CloudFormationClient, DeleteStackCommand, DescribeStackResourcesCommand, DescribeStacksCommand, type StackResource } from '@aws-sdk/client-cloudformation';
import {
  CreateNetworkInsightsPathCommand,
  CreateNetworkInterfaceCommand,
  DeleteNetworkInsightsPathCommand,
  DeleteNetworkInterfaceCommand,
  DescribeInternetGatewaysCommand,
  DescribeNatGatewaysCommand,
  DescribeNetworkInsightsAnalysesCommand,
  DescribeRouteTablesCommand,
  DescribeSubnetsCommand,
  DescribeVpcsCommand,
  EC2Client,
  StartNetworkInsightsAnalysisCommand,
  type NatGateway,
  type NetworkInsightsAnalysis,
  type RouteTable,
  type Subnet,
} from '@aws-sdk/client-ec2';
import { IAMClient, SimulatePrincipalPolicyCommand } from '@aws-sdk/client-iam';
import { GetFunctionConfigurationCommand, LambdaClient, type FunctionConfiguration } from '@aws-sdk/client-lambda';
import { assert, defineLab, eventually, type CheckContext } from 'awslings/labkit';

const STACK = 'vpc-network';
const CIDR = '10.0.0.0/16';

async function resources(ctx: CheckContext): Promise<StackResource[]> {
  const cfn = ctx.client(CloudFormationClient);
  const stack = await cfn.send(new DescribeStacksCommand({ StackName: STACK })).catch(() => undefined);
  if (!stack?.Stacks?.length) ctx.fail(`There is no stack ${STACK}. Run the deploy step: npx awslings deploy vpc-network`);
  return (await cfn.send(new DescribeStackResourcesCommand({ StackName: STACK }))).StackResources ?? [];
}

const ofType = (all: StackResource[], type: string) => all.filter((r) => r.ResourceType === type && r.PhysicalResourceId);

/** Everything the checks look at, read once and shared: the VPC, its gateway, its subnets sorted by where their traffic goes. */
interface Network {
  vpcId: string;
  igwId: string;
  subnets: Subnet[];
  /** The route table each subnet uses: its own association, or the VPC's main table. */
  tableOf: Map<string, RouteTable>;
  defaultRoute: (subnetId: string) => { GatewayId?: string; NatGatewayId?: string } | undefined;
  publicSubnets: Subnet[];
  nats: NatGateway[];
}

async function network(ctx: CheckContext): Promise<Network> {
  if (ctx.shared.network) return ctx.shared.network as Network;
  const ec2 = ctx.client(EC2Client);
  const vpcs = ofType(await resources(ctx), 'AWS::EC2::VPC');
  if (!vpcs.length) ctx.fail(`The stack ${STACK} has no AWS::EC2::VPC.`);
  const described = (await ec2.send(new DescribeVpcsCommand({ VpcIds: vpcs.map((v) => v.PhysicalResourceId!) }))).Vpcs ?? [];
  const vpc = described.find((v) => v.CidrBlock === CIDR);
  assert(vpc, `The stack's VPC should have the range ${CIDR}.`, { expected: CIDR, found: described.map((v) => v.CidrBlock) });
  const vpcFilter = [{ Name: 'vpc-id', Values: [vpc.VpcId!] }];
  const igw = (await ec2.send(new DescribeInternetGatewaysCommand({ Filters: [{ Name: 'attachment.vpc-id', Values: [vpc.VpcId!] }] }))).InternetGateways?.[0];
  assert(igw, `No internet gateway is attached to the VPC ${vpc.VpcId}.`, { expected: 'an AWS::EC2::VPCGatewayAttachment of the gateway to the VPC', found: 'none attached' });
  const subnets = (await ec2.send(new DescribeSubnetsCommand({ Filters: vpcFilter }))).Subnets ?? [];
  const tables = (await ec2.send(new DescribeRouteTablesCommand({ Filters: vpcFilter }))).RouteTables ?? [];
  const main = tables.find((t) => t.Associations?.some((a) => a.Main));
  const tableOf = new Map(subnets.map((s) => [s.SubnetId!, tables.find((t) => t.Associations?.some((a) => a.SubnetId === s.SubnetId)) ?? main!]));
  const defaultRoute = (subnetId: string) => tableOf.get(subnetId)?.Routes?.find((r) => r.DestinationCidrBlock === '0.0.0.0/0' && r.State === 'active');
  const publicSubnets = subnets.filter((s) => defaultRoute(s.SubnetId!)?.GatewayId === igw.InternetGatewayId);
  const nats = (await ec2.send(new DescribeNatGatewaysCommand({ Filter: [...vpcFilter, { Name: 'state', Values: ['pending', 'available', 'failed'] }] }))).NatGateways ?? [];
  const net: Network = { vpcId: vpc.VpcId!, igwId: igw.InternetGatewayId!, subnets, tableOf, defaultRoute, publicSubnets, nats };
  ctx.shared.network = net;
  return net;
}

/** What each subnet's default route (0.0.0.0/0) points to, for messages. */
const routesSummary = (net: Network) =>
  net.subnets.map((s) => {
    const r = net.defaultRoute(s.SubnetId!);
    return `${s.SubnetId} (${s.CidrBlock}): 0.0.0.0/0 → ${r?.GatewayId ?? r?.NatGatewayId ?? 'nothing (only the local route)'}`;
  });

async function fn(ctx: CheckContext): Promise<FunctionConfiguration> {
  const [f] = ofType(await resources(ctx), 'AWS::Lambda::Function');
  if (!f) ctx.fail(`The stack ${STACK} has no AWS::Lambda::Function.`);
  return ctx.client(LambdaClient).send(new GetFunctionConfigurationCommand({ FunctionName: f.PhysicalResourceId }));
}

/** A network interface in the function's subnet, with its security groups: where the function's traffic starts and ends. */
async function probe(ctx: CheckContext): Promise<string> {
  if (ctx.shared.probe) return ctx.shared.probe as string;
  const c = await fn(ctx);
  const subnet = c.VpcConfig?.SubnetIds?.[0];
  if (!subnet) ctx.fail(`The function ${c.FunctionName} is not in a VPC: there is nothing of it in your subnets to analyse.`, { found: c.VpcConfig ?? 'no VpcConfig' });
  const eni = await ctx.client(EC2Client).send(
    new CreateNetworkInterfaceCommand({ SubnetId: subnet, Groups: c.VpcConfig!.SecurityGroupIds, Description: 'awslings check: stands in for the function in its subnet' }),
  );
  ctx.shared.probe = eni.NetworkInterface!.NetworkInterfaceId!;
  return ctx.shared.probe as string;
}

/** Runs a Reachability Analyzer analysis and waits for its result (seconds in the sandbox, up to a few minutes on AWS). */
async function analyze(ctx: CheckContext, path: { Source: string; Destination: string; DestinationPort: number }): Promise<NetworkInsightsAnalysis> {
  const ec2 = ctx.client(EC2Client);
  const p = await ec2.send(new CreateNetworkInsightsPathCommand({ ...path, Protocol: 'tcp' }));
  const pathId = p.NetworkInsightsPath!.NetworkInsightsPathId!;
  ((ctx.shared.paths ??= []) as string[]).push(pathId);
  const started = await ec2.send(new StartNetworkInsightsAnalysisCommand({ NetworkInsightsPathId: pathId }));
  const id = started.NetworkInsightsAnalysis!.NetworkInsightsAnalysisId!;
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

const blockedBy = (a: NetworkInsightsAnalysis) => a.Explanations?.map((e) => `${e.ExplanationCode} at ${e.Component?.Id}`).join('; ');

export default defineLab({
  id: 'vpc-network',
  title: 'A VPC with public and private subnets, and a function behind a NAT gateway',
  module: '10-vpc',
  objectives: [
    'Build a VPC with a public subnet (routed to an internet gateway) and a private subnet (routed to a NAT gateway)',
    'Place a Lambda function in the private subnet with a security group and the VPC access permissions',
    'Use the Reachability Analyzer to show that the private subnet cannot be reached from the internet but can reach out',
  ],
  minutes: 45,
  services: ['cloudformation', 'ec2', 'iam', 'lambda'],
  files: ['template.yaml'],
  // The stack waits for the NAT gateway to become available: a few seconds in the sandbox.
  deployTimeoutMs: 180_000,
  checks: [
    {
      id: 'vpc',
      title: `The stack ${STACK} holds a VPC ${CIDR} with an internet gateway attached`,
      points: 1,
      hint: 'Deploy first (npx awslings deploy vpc-network) and read what it prints: a failed deployment names the resource and the reason. The VPC, the gateway and its attachment are given in the starter.',
      async run(ctx) {
        const net = await network(ctx);
        ctx.log(`VPC ${net.vpcId}, internet gateway ${net.igwId}`);
      },
    },
    {
      id: 'public-route',
      title: 'A public subnet: its route table sends 0.0.0.0/0 to the internet gateway',
      points: 2,
      hint: 'What makes a subnet public is its route table: a route with DestinationCidrBlock 0.0.0.0/0 and GatewayId the internet gateway, and an AWS::EC2::SubnetRouteTableAssociation that gives the subnet that table.',
      async run(ctx) {
        const net = await network(ctx);
        assert(net.publicSubnets.length > 0, 'No subnet of the VPC routes 0.0.0.0/0 to the internet gateway.', { expected: `a subnet whose route table has 0.0.0.0/0 → ${net.igwId}`, found: routesSummary(net) });
        for (const s of net.publicSubnets) ctx.log(`public: ${s.SubnetId} (${s.CidrBlock}) uses ${net.tableOf.get(s.SubnetId!)?.RouteTableId}`);
      },
    },
    {
      id: 'nat',
      title: 'A NAT gateway, available, in the public subnet, with an Elastic IP',
      points: 2,
      timeoutMs: 30_000,
      hint: 'An AWS::EC2::NatGateway whose SubnetId is the PUBLIC subnet (it needs the route to the internet gateway itself) and whose AllocationId is an AWS::EC2::EIP\'s (!GetAtt NatAddress.AllocationId). Give the EIP "DependsOn: GatewayAttachment".',
      async run(ctx) {
        const net = await network(ctx);
        assert(net.nats.length > 0, `The VPC ${net.vpcId} has no NAT gateway.`, { expected: 'an AWS::EC2::NatGateway in the public subnet', found: 'none' });
        const publicIds = new Set(net.publicSubnets.map((s) => s.SubnetId));
        const nat = net.nats.find((n) => publicIds.has(n.SubnetId));
        const where = net.nats.map((n) => ({ NatGatewayId: n.NatGatewayId, SubnetId: n.SubnetId, State: n.State, FailureMessage: n.FailureMessage }));
        assert(nat, 'The NAT gateway is not in a public subnet: from a subnet without a route to the internet gateway, it cannot reach the internet itself.', {
          expected: `SubnetId one of ${[...publicIds].join(', ') || '(no public subnet yet)'}`,
          found: where,
        });
        assert(nat.State === 'available', `The NAT gateway ${nat.NatGatewayId} is ${nat.State}.`, { expected: 'available', found: where });
        const ip = nat.NatGatewayAddresses?.[0];
        assert(ip?.AllocationId && ip.PublicIp, `The NAT gateway ${nat.NatGatewayId} has no Elastic IP address.`, { expected: 'an AllocationId and a PublicIp', found: ip });
        ctx.log(`${nat.NatGatewayId} in ${nat.SubnetId}, public address ${ip.PublicIp}`);
        ctx.shared.nat = nat.NatGatewayId;
      },
    },
    {
      id: 'private-route',
      title: 'A private subnet: its route table sends 0.0.0.0/0 to the NAT gateway',
      points: 2,
      hint: 'A second AWS::EC2::RouteTable for the private subnet, with a route 0.0.0.0/0 whose target is NatGatewayId: !Ref NatGateway (not GatewayId), and an association of the private subnet with it.',
      async run(ctx) {
        const net = await network(ctx);
        const natIds = new Set(net.nats.map((n) => n.NatGatewayId));
        const privates = net.subnets.filter((s) => natIds.has(net.defaultRoute(s.SubnetId!)?.NatGatewayId));
        assert(privates.length > 0, 'No subnet of the VPC routes 0.0.0.0/0 to a NAT gateway.', { expected: `a subnet whose route table has 0.0.0.0/0 → ${[...natIds][0] ?? 'your NAT gateway'}`, found: routesSummary(net) });
        for (const s of privates) ctx.log(`private: ${s.SubnetId} (${s.CidrBlock}) → ${net.defaultRoute(s.SubnetId!)?.NatGatewayId}`);
      },
    },
    {
      id: 'function-vpc',
      title: "The function is attached to the private subnet, with a security group of the VPC",
      points: 2,
      hint: 'Give the AWS::Lambda::Function a VpcConfig with SubnetIds: [!Ref PrivateSubnet] and SecurityGroupIds: [!Ref FunctionSecurityGroup]. A subnet that routes to the internet gateway is the wrong one: the function never gets a public address there.',
      async run(ctx) {
        const net = await network(ctx);
        const c = await fn(ctx);
        const vc = c.VpcConfig;
        assert(vc?.SubnetIds?.length, `The function ${c.FunctionName} has no VpcConfig: it runs outside your VPC.`, { expected: { VpcId: net.vpcId, SubnetIds: '[the private subnet]', SecurityGroupIds: '[a group]' }, found: vc ?? 'none' });
        assert(vc.VpcId === net.vpcId, `The function is attached to another VPC.`, { expected: net.vpcId, found: vc.VpcId });
        const natIds = new Set(net.nats.map((n) => n.NatGatewayId));
        const notPrivate = vc.SubnetIds.filter((id) => !natIds.has(net.defaultRoute(id)?.NatGatewayId));
        assert(!notPrivate.length, `The function's subnets must be private ones, whose 0.0.0.0/0 goes to the NAT gateway.`, { expected: 'only private subnets', found: routesSummary(net).filter((l) => vc.SubnetIds!.some((id) => l.startsWith(id))) });
        assert(vc.SecurityGroupIds?.length, 'The function has no security group.', { found: vc });
        ctx.log(`subnets ${vc.SubnetIds.join(', ')}; security groups ${vc.SecurityGroupIds.join(', ')}`);
      },
    },
    {
      id: 'vpc-permissions',
      title: "The function's role may manage network interfaces (the VPC access permissions)",
      points: 1,
      hint: 'Lambda creates network interfaces in your subnets as the function\'s execution role. Add the AWS managed policy arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole to the role\'s ManagedPolicyArns.',
      async run(ctx) {
        const c = await fn(ctx);
        const actions = ['ec2:CreateNetworkInterface', 'ec2:DescribeNetworkInterfaces', 'ec2:DeleteNetworkInterface'];
        const res = await ctx.client(IAMClient).send(new SimulatePrincipalPolicyCommand({ PolicySourceArn: c.Role, ActionNames: actions, ResourceArns: ['*'] }));
        const decisions = Object.fromEntries(res.EvaluationResults!.map((r) => [r.EvalActionName!, r.EvalDecision!]));
        assert(
          actions.every((a) => decisions[a] === 'allowed'),
          `The role ${c.Role} may not manage network interfaces.`,
          { expected: Object.fromEntries(actions.map((a) => [a, 'allowed'])), found: decisions },
        );
      },
    },
    {
      id: 'not-reachable',
      title: 'The Reachability Analyzer finds no path from the internet into the private subnet',
      points: 1,
      timeoutMs: 200_000,
      hint: "An interface in a private subnet has no public address, and its subnet has no route to the internet gateway. If this finds a path, the function's subnet is a public one.",
      async run(ctx) {
        const net = await network(ctx);
        const eni = await probe(ctx);
        const a = await analyze(ctx, { Source: net.igwId, Destination: eni, DestinationPort: 443 });
        assert(a.NetworkPathFound === false, `The analyzer found a path from the internet to an interface in the function's subnet.`, { expected: 'NetworkPathFound: false', found: a.ForwardPathComponents?.map((c) => c.Component?.Id) });
        ctx.log(`blocked: ${blockedBy(a)}`);
      },
    },
    {
      id: 'outbound-nat',
      title: 'From the private subnet, HTTPS reaches the internet through the NAT gateway',
      points: 2,
      timeoutMs: 200_000,
      hint: 'The path goes: the function\'s security group (outbound), the private route table (0.0.0.0/0 → NAT gateway), the NAT gateway in the public subnet, the public route table (0.0.0.0/0 → internet gateway). The analysis names the hop that blocks.',
      async run(ctx) {
        const net = await network(ctx);
        const eni = await probe(ctx);
        const a = await analyze(ctx, { Source: eni, Destination: net.igwId, DestinationPort: 443 });
        assert(a.NetworkPathFound === true, 'No path from the private subnet to the internet on port 443.', { expected: 'NetworkPathFound: true', found: blockedBy(a) });
        const hops = a.ForwardPathComponents!.map((c) => c.Component!.Id!);
        const nat = hops.find((h) => h.startsWith('nat-'));
        assert(nat, 'The path to the internet does not go through a NAT gateway.', { expected: 'a nat-… hop', found: hops });
        ctx.log(`path: ${hops.join(' → ')}`);
      },
    },
  ],
  async afterChecks(ctx) {
    const ec2 = ctx.client(EC2Client);
    for (const id of (ctx.shared.paths as string[] | undefined) ?? []) await ec2.send(new DeleteNetworkInsightsPathCommand({ NetworkInsightsPathId: id })).catch(() => undefined);
    if (ctx.shared.probe) await ec2.send(new DeleteNetworkInterfaceCommand({ NetworkInterfaceId: ctx.shared.probe as string })).catch(() => undefined);
  },
  async cleanup(ctx) {
    const cfn = ctx.client(CloudFormationClient);
    const id = (await cfn.send(new DescribeStacksCommand({ StackName: STACK })).catch(() => undefined))?.Stacks?.[0]?.StackId;
    if (!id) return;
    await cfn.send(new DeleteStackCommand({ StackName: id }));
    await eventually(async () => {
      const s = (await cfn.send(new DescribeStacksCommand({ StackName: id }))).Stacks?.[0];
      return !s || s.StackStatus === 'DELETE_COMPLETE' || s.StackStatus === 'DELETE_FAILED';
    }, 120_000, 500);
  },
});
