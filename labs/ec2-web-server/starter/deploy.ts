// Launches a small web server on EC2: a key pair, a security group, and a t3.micro instance in a
// default subnet of the default VPC, with user data that installs and starts nginx.
// Run it with: npx awslings deploy ec2-web-server
// Each run replaces the previous instance, so a change of user data takes effect.
import { writeFileSync } from 'node:fs';
import {
  AuthorizeSecurityGroupIngressCommand,
  CreateKeyPairCommand,
  CreateSecurityGroupCommand,
  DescribeImagesCommand,
  DescribeInstancesCommand,
  DescribeSecurityGroupsCommand,
  DescribeSubnetsCommand,
  DescribeVpcsCommand,
  EC2Client,
  RevokeSecurityGroupIngressCommand,
  RunInstancesCommand,
  TerminateInstancesCommand,
  waitUntilInstanceRunning,
  type IpPermission,
} from '@aws-sdk/client-ec2';

const ec2 = new EC2Client({});
const NAME = 'web-server';
const GROUP = 'web-server-sg';
const KEY = 'web-server-key';
// The public address of your office, the only place SSH may come from. This one is a documentation
// address (RFC 5737); for a real server, use yours: curl https://checkip.amazonaws.com
const OFFICE = '203.0.113.10/32';

// --- 1. Where: the default VPC, and its default subnet in the first Availability Zone (given) ---
const vpc = (await ec2.send(new DescribeVpcsCommand({ Filters: [{ Name: 'is-default', Values: ['true'] }] }))).Vpcs?.[0];
if (!vpc) throw new Error('This Region has no default VPC. `aws ec2 create-default-vpc` makes one.');
const subnets = (
  await ec2.send(new DescribeSubnetsCommand({ Filters: [{ Name: 'vpc-id', Values: [vpc.VpcId!] }, { Name: 'default-for-az', Values: ['true'] }] }))
).Subnets!;
const subnet = subnets.sort((a, b) => a.AvailabilityZone!.localeCompare(b.AvailabilityZone!))[0];
console.log(`default VPC ${vpc.VpcId} (${vpc.CidrBlock}), subnet ${subnet.SubnetId} in ${subnet.AvailabilityZone}`);

// --- 2. What to run: the newest Amazon Linux 2023 image for x86_64 (given) ---
const images = (
  await ec2.send(
    new DescribeImagesCommand({
      Owners: ['amazon'],
      Filters: [
        { Name: 'name', Values: ['al2023-ami-2023.*-x86_64'] },
        { Name: 'state', Values: ['available'] },
      ],
    }),
  )
).Images!;
const image = images.sort((a, b) => b.CreationDate!.localeCompare(a.CreationDate!))[0];
console.log(`image ${image.ImageId}: ${image.Name}`);

// --- 3. A key pair for SSH (given): EC2 keeps the public key, you keep the private one ---
try {
  const key = await ec2.send(new CreateKeyPairCommand({ KeyName: KEY }));
  writeFileSync(`${KEY}.pem`, key.KeyMaterial!, { mode: 0o600 });
  console.log(`key pair ${KEY}: private key saved in ${KEY}.pem`);
} catch (e) {
  if ((e as Error).name !== 'InvalidKeyPair.Duplicate') throw e;
}

// --- 4. The security group (creating it is given; its rules are yours) ---
async function securityGroup(): Promise<string> {
  try {
    return (await ec2.send(new CreateSecurityGroupCommand({ GroupName: GROUP, Description: 'The web server: HTTP from anywhere, SSH from the office', VpcId: vpc!.VpcId }))).GroupId!;
  } catch (e) {
    if ((e as Error).name !== 'InvalidGroup.Duplicate') throw e;
    return (await ec2.send(new DescribeSecurityGroupsCommand({ Filters: [{ Name: 'vpc-id', Values: [vpc!.VpcId!] }, { Name: 'group-name', Values: [GROUP] }] }))).SecurityGroups![0].GroupId!;
  }
}

/** Makes the group's inbound rules exactly these: revokes what is there, then authorizes them. */
async function setInbound(groupId: string, rules: IpPermission[]): Promise<void> {
  const current = (await ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [groupId] }))).SecurityGroups![0].IpPermissions ?? [];
  if (current.length) await ec2.send(new RevokeSecurityGroupIngressCommand({ GroupId: groupId, IpPermissions: current }));
  if (rules.length) await ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: groupId, IpPermissions: rules }));
}

const groupId = await securityGroup();
const inbound: IpPermission[] = [
  // TODO: HTTP (TCP port 80) from anywhere: { IpProtocol: 'tcp', FromPort: ..., ToPort: ..., IpRanges: [{ CidrIp: ... }] }
  // TODO: SSH (TCP port 22) from the office only (OFFICE).
];
await setInbound(groupId, inbound);
console.log(`security group ${groupId}: ${inbound.length} inbound rules`);

// --- 5. User data: the script the instance runs at its first boot ---
// TODO: a script that installs a web server and starts it. On Amazon Linux 2023 the package
// manager is dnf, and systemctl starts services (see the README).
const script = `#!/bin/bash
`;
// TODO: RunInstances takes user data encoded in Base64 (the AWS CLI encodes it for you; the SDK does not).
const UserData = script;

// --- 6. Launch, replacing the previous instance (given) ---
const previous = await ec2.send(
  new DescribeInstancesCommand({ Filters: [{ Name: 'tag:Name', Values: [NAME] }, { Name: 'instance-state-name', Values: ['pending', 'running', 'stopping', 'stopped'] }] }),
);
const oldIds = (previous.Reservations ?? []).flatMap((r) => r.Instances ?? []).map((i) => i.InstanceId!);
if (oldIds.length) {
  await ec2.send(new TerminateInstancesCommand({ InstanceIds: oldIds }));
  console.log(`terminating the previous instance: ${oldIds.join(', ')}`);
}

// TODO: launch the instance with RunInstancesCommand:
//   - ImageId: image.ImageId, InstanceType: 't3.micro', MinCount: 1, MaxCount: 1;
//   - SubnetId: subnet.SubnetId, SecurityGroupIds: [groupId], KeyName: KEY, UserData;
//   - TagSpecifications: the tag Name = NAME on the instance (ResourceType 'instance'), which the checker looks for.
// Then wait until it runs (waitUntilInstanceRunning, with { client: ec2, maxWaitTime: 120, minDelay: 1, maxDelay: 3 }),
// and print its public and private IP addresses (DescribeInstancesCommand).
void RunInstancesCommand;
void waitUntilInstanceRunning;
void UserData;
