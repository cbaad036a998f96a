import type { TargetInfo } from './types.js';
import { clientConfig } from './target.js';
import { deleteRoleCompletely, deleteUserCompletely } from './helpers.js';
import { LAB_TAG_KEY } from './tags.js';

/**
 * Finds what carries the `awslings:lab` tag on a target and deletes it: what a lab's own cleanup
 * does not know about (a learner's extra queue, a function under another name). Dependents go
 * first: stacks, then functions and APIs, queues, logs, Cognito, EC2, and IAM last.
 */

export interface SweptResource {
  kind: string;
  /** A name, id or ARN, as the service names it. */
  id: string;
  lab: string;
  /** `deleted`, `deleting` (the service finishes later), or `failed` with the reason. */
  outcome: 'deleted' | 'deleting' | 'failed' | 'found';
  reason?: string;
}

interface Found {
  id: string;
  lab: string;
  remove: () => Promise<SweptResource['outcome'] | void>;
}

type Kind = { kind: string; find: (cfg: ReturnType<typeof clientConfig>) => Promise<Found[]> };

const labOfMap = (tags: Record<string, string> | undefined): string | undefined => tags?.[LAB_TAG_KEY];
const labOfList = (tags: { Key?: string; Value?: string }[] | undefined): string | undefined => tags?.find((t) => t.Key === LAB_TAG_KEY)?.Value;

/** Every item of an SDK paginator's pages. */
async function all<P, T>(pages: AsyncIterable<P>, items: (page: P) => T[] | undefined): Promise<T[]> {
  const out: T[] = [];
  for await (const page of pages) out.push(...(items(page) ?? []));
  return out;
}

const KINDS: Kind[] = [
  {
    kind: 'CloudFormation stack',
    async find(cfg) {
      const m = await import('@aws-sdk/client-cloudformation');
      const cf = new m.CloudFormationClient(cfg);
      const stacks = await all(m.paginateDescribeStacks({ client: cf }, {}), (p) => p.Stacks);
      return stacks.flatMap((s) => {
        const lab = labOfList(s.Tags);
        if (!lab || s.StackStatus === 'DELETE_COMPLETE') return [];
        return [{ id: s.StackName!, lab, remove: async () => (await cf.send(new m.DeleteStackCommand({ StackName: s.StackName })), 'deleting' as const) }];
      });
    },
  },
  {
    kind: 'Lambda function',
    async find(cfg) {
      const m = await import('@aws-sdk/client-lambda');
      const lambda = new m.LambdaClient(cfg);
      const fns = await all(m.paginateListFunctions({ client: lambda }, {}), (p) => p.Functions);
      const out: Found[] = [];
      for (const f of fns) {
        const lab = labOfMap((await lambda.send(new m.ListTagsCommand({ Resource: f.FunctionArn }))).Tags);
        if (lab) out.push({ id: f.FunctionName!, lab, remove: async () => void (await lambda.send(new m.DeleteFunctionCommand({ FunctionName: f.FunctionName }))) });
      }
      return out;
    },
  },
  {
    kind: 'API Gateway REST API',
    async find(cfg) {
      const m = await import('@aws-sdk/client-api-gateway');
      const apigw = new m.APIGatewayClient(cfg);
      const apis = await all(m.paginateGetRestApis({ client: apigw, pageSize: 500 }, {}), (p) => p.items);
      return apis.flatMap((a) => {
        const lab = labOfMap(a.tags);
        return lab ? [{ id: `${a.name} (${a.id})`, lab, remove: async () => void (await apigw.send(new m.DeleteRestApiCommand({ restApiId: a.id }))) }] : [];
      });
    },
  },
  {
    kind: 'API Gateway HTTP API',
    async find(cfg) {
      const m = await import('@aws-sdk/client-apigatewayv2');
      const apigw = new m.ApiGatewayV2Client(cfg);
      // The SDK has no paginator for GetApis.
      async function* getApis() {
        let NextToken: string | undefined;
        do {
          const page = await apigw.send(new m.GetApisCommand({ NextToken }));
          yield page;
          NextToken = page.NextToken;
        } while (NextToken);
      }
      const apis = await all(getApis(), (p) => p.Items);
      return apis.flatMap((a) => {
        const lab = labOfMap(a.Tags);
        return lab ? [{ id: `${a.Name} (${a.ApiId})`, lab, remove: async () => void (await apigw.send(new m.DeleteApiCommand({ ApiId: a.ApiId }))) }] : [];
      });
    },
  },
  {
    kind: 'SQS queue',
    async find(cfg) {
      const m = await import('@aws-sdk/client-sqs');
      const sqs = new m.SQSClient(cfg);
      const urls = await all(m.paginateListQueues({ client: sqs, pageSize: 1000 }, {}), (p) => p.QueueUrls);
      const out: Found[] = [];
      for (const QueueUrl of urls) {
        const lab = labOfMap((await sqs.send(new m.ListQueueTagsCommand({ QueueUrl }))).Tags);
        if (lab) out.push({ id: QueueUrl.split('/').pop()!, lab, remove: async () => void (await sqs.send(new m.DeleteQueueCommand({ QueueUrl }))) });
      }
      return out;
    },
  },
  {
    kind: 'CloudWatch Logs log group',
    async find(cfg) {
      const m = await import('@aws-sdk/client-cloudwatch-logs');
      const logs = new m.CloudWatchLogsClient(cfg);
      const groups = await all(m.paginateDescribeLogGroups({ client: logs }, {}), (p) => p.logGroups);
      const out: Found[] = [];
      for (const g of groups) {
        const lab = labOfMap((await logs.send(new m.ListTagsLogGroupCommand({ logGroupName: g.logGroupName }))).tags);
        if (lab) out.push({ id: g.logGroupName!, lab, remove: async () => void (await logs.send(new m.DeleteLogGroupCommand({ logGroupName: g.logGroupName }))) });
      }
      return out;
    },
  },
  {
    kind: 'Cognito user pool',
    async find(cfg) {
      const m = await import('@aws-sdk/client-cognito-identity-provider');
      const idp = new m.CognitoIdentityProviderClient(cfg);
      const pools = await all(m.paginateListUserPools({ client: idp }, { MaxResults: 60 }), (p) => p.UserPools);
      const out: Found[] = [];
      for (const p of pools) {
        const pool = (await idp.send(new m.DescribeUserPoolCommand({ UserPoolId: p.Id }))).UserPool;
        const lab = labOfMap(pool?.UserPoolTags);
        if (!lab) continue;
        out.push({
          id: `${p.Name} (${p.Id})`,
          lab,
          async remove() {
            // A pool with a domain cannot be deleted: the domain goes first.
            for (const Domain of [pool?.Domain, pool?.CustomDomain].filter(Boolean)) {
              await idp.send(new m.DeleteUserPoolDomainCommand({ UserPoolId: p.Id, Domain }));
            }
            await idp.send(new m.DeleteUserPoolCommand({ UserPoolId: p.Id }));
          },
        });
      }
      return out;
    },
  },
  {
    kind: 'Cognito identity pool',
    async find(cfg) {
      const m = await import('@aws-sdk/client-cognito-identity');
      const ci = new m.CognitoIdentityClient(cfg);
      const pools = await all(m.paginateListIdentityPools({ client: ci }, { MaxResults: 60 }), (p) => p.IdentityPools);
      const out: Found[] = [];
      for (const p of pools) {
        const lab = labOfMap((await ci.send(new m.DescribeIdentityPoolCommand({ IdentityPoolId: p.IdentityPoolId }))).IdentityPoolTags);
        if (lab) out.push({ id: `${p.IdentityPoolName} (${p.IdentityPoolId})`, lab, remove: async () => void (await ci.send(new m.DeleteIdentityPoolCommand({ IdentityPoolId: p.IdentityPoolId }))) });
      }
      return out;
    },
  },
  {
    kind: 'EC2 instance',
    async find(cfg) {
      const m = await import('@aws-sdk/client-ec2');
      const ec2 = new m.EC2Client(cfg);
      const r = await ec2.send(new m.DescribeInstancesCommand({ Filters: [{ Name: 'tag-key', Values: [LAB_TAG_KEY] }] }));
      return (r.Reservations ?? [])
        .flatMap((res) => res.Instances ?? [])
        .filter((i) => i.State?.Name !== 'terminated' && i.State?.Name !== 'shutting-down')
        .map((i) => ({ id: i.InstanceId!, lab: labOfList(i.Tags)!, remove: async () => (await ec2.send(new m.TerminateInstancesCommand({ InstanceIds: [i.InstanceId!] })), 'deleting' as const) }));
    },
  },
  ...ec2Networking(),
  {
    kind: 'IAM role',
    async find(cfg) {
      const m = await import('@aws-sdk/client-iam');
      const iam = new m.IAMClient(cfg);
      const roles = await all(m.paginateListRoles({ client: iam }, {}), (p) => p.Roles);
      const out: Found[] = [];
      for (const role of roles) {
        if (role.Path?.startsWith('/aws-service-role/')) continue;
        const lab = labOfList((await iam.send(new m.ListRoleTagsCommand({ RoleName: role.RoleName }))).Tags);
        if (lab) out.push({ id: role.RoleName!, lab, remove: () => deleteRoleCompletely(iam, role.RoleName!) });
      }
      return out;
    },
  },
  {
    kind: 'IAM user',
    async find(cfg) {
      const m = await import('@aws-sdk/client-iam');
      const iam = new m.IAMClient(cfg);
      const users = await all(m.paginateListUsers({ client: iam }, {}), (p) => p.Users);
      const out: Found[] = [];
      for (const user of users) {
        const lab = labOfList((await iam.send(new m.ListUserTagsCommand({ UserName: user.UserName }))).Tags);
        if (lab) out.push({ id: user.UserName!, lab, remove: () => deleteUserCompletely(iam, user.UserName!) });
      }
      return out;
    },
  },
  {
    kind: 'IAM policy',
    async find(cfg) {
      const m = await import('@aws-sdk/client-iam');
      const iam = new m.IAMClient(cfg);
      const policies = await all(m.paginateListPolicies({ client: iam }, { Scope: 'Local' }), (p) => p.Policies);
      const out: Found[] = [];
      for (const p of policies) {
        const lab = labOfList((await iam.send(new m.ListPolicyTagsCommand({ PolicyArn: p.Arn }))).Tags);
        if (!lab) continue;
        out.push({
          id: p.PolicyName!,
          lab,
          async remove() {
            const PolicyArn = p.Arn;
            const e = await iam.send(new m.ListEntitiesForPolicyCommand({ PolicyArn }));
            for (const r of e.PolicyRoles ?? []) await iam.send(new m.DetachRolePolicyCommand({ PolicyArn, RoleName: r.RoleName }));
            for (const u of e.PolicyUsers ?? []) await iam.send(new m.DetachUserPolicyCommand({ PolicyArn, UserName: u.UserName }));
            for (const g of e.PolicyGroups ?? []) await iam.send(new m.DetachGroupPolicyCommand({ PolicyArn, GroupName: g.GroupName }));
            for (const v of (await iam.send(new m.ListPolicyVersionsCommand({ PolicyArn }))).Versions ?? []) {
              if (!v.IsDefaultVersion) await iam.send(new m.DeletePolicyVersionCommand({ PolicyArn, VersionId: v.VersionId }));
            }
            await iam.send(new m.DeletePolicyCommand({ PolicyArn }));
          },
        });
      }
      return out;
    },
  },
];

/** Security groups, subnets, route tables, internet gateways and VPCs, in the order they can go. */
function ec2Networking(): Kind[] {
  type EC2 = typeof import('@aws-sdk/client-ec2');
  const tagged = [{ Name: 'tag-key', Values: [LAB_TAG_KEY] }];
  const kind = (name: string, list: (m: EC2, ec2: InstanceType<EC2['EC2Client']>) => Promise<{ id: string; tags?: { Key?: string; Value?: string }[]; remove: () => Promise<unknown> }[]>): Kind => ({
    kind: name,
    async find(cfg) {
      const m = await import('@aws-sdk/client-ec2');
      const items = await list(m, new m.EC2Client(cfg));
      return items.map((i) => ({ id: i.id, lab: labOfList(i.tags)!, remove: async () => void (await i.remove()) }));
    },
  });
  return [
    kind('EC2 security group', async (m, ec2) =>
      ((await ec2.send(new m.DescribeSecurityGroupsCommand({ Filters: tagged }))).SecurityGroups ?? []).map((g) => ({
        id: g.GroupId!,
        tags: g.Tags,
        remove: () => ec2.send(new m.DeleteSecurityGroupCommand({ GroupId: g.GroupId })),
      })),
    ),
    kind('EC2 subnet', async (m, ec2) =>
      ((await ec2.send(new m.DescribeSubnetsCommand({ Filters: tagged }))).Subnets ?? []).map((s) => ({
        id: s.SubnetId!,
        tags: s.Tags,
        remove: () => ec2.send(new m.DeleteSubnetCommand({ SubnetId: s.SubnetId })),
      })),
    ),
    kind('EC2 route table', async (m, ec2) =>
      ((await ec2.send(new m.DescribeRouteTablesCommand({ Filters: tagged }))).RouteTables ?? []).map((t) => ({
        id: t.RouteTableId!,
        tags: t.Tags,
        async remove() {
          for (const a of t.Associations ?? []) if (!a.Main && a.RouteTableAssociationId) await ec2.send(new m.DisassociateRouteTableCommand({ AssociationId: a.RouteTableAssociationId }));
          return ec2.send(new m.DeleteRouteTableCommand({ RouteTableId: t.RouteTableId }));
        },
      })),
    ),
    kind('EC2 internet gateway', async (m, ec2) =>
      ((await ec2.send(new m.DescribeInternetGatewaysCommand({ Filters: tagged }))).InternetGateways ?? []).map((g) => ({
        id: g.InternetGatewayId!,
        tags: g.Tags,
        async remove() {
          for (const a of g.Attachments ?? []) await ec2.send(new m.DetachInternetGatewayCommand({ InternetGatewayId: g.InternetGatewayId, VpcId: a.VpcId }));
          return ec2.send(new m.DeleteInternetGatewayCommand({ InternetGatewayId: g.InternetGatewayId }));
        },
      })),
    ),
    kind('EC2 VPC', async (m, ec2) =>
      ((await ec2.send(new m.DescribeVpcsCommand({ Filters: tagged }))).Vpcs ?? []).map((v) => ({
        id: v.VpcId!,
        tags: v.Tags,
        remove: () => ec2.send(new m.DeleteVpcCommand({ VpcId: v.VpcId })),
      })),
    ),
  ];
}

/**
 * Deletes what carries the lab tag (for the labs named, or any lab). With `dryRun`, only lists it.
 * A kind the target does not offer is passed over; a resource that cannot go yet (an instance still
 * shutting down holds its security group) is reported as failed, with the service's reason.
 */
export async function sweepTagged(
  target: TargetInfo,
  opts: { labs?: string[]; dryRun?: boolean; onResult?: (r: SweptResource) => void; onUnlisted?: (kind: string, reason: string) => void } = {},
): Promise<SweptResource[]> {
  const cfg = clientConfig(target);
  const results: SweptResource[] = [];
  for (const k of KINDS) {
    let found: Found[];
    try {
      found = await k.find(cfg);
    } catch (e) {
      // The target lacks the service, or the caller may not list it: said, so nobody takes the sweep for complete.
      const err = e as { name?: string; message?: string };
      opts.onUnlisted?.(k.kind, `${err.name}: ${err.message}`);
      continue;
    }
    for (const f of found) {
      if (opts.labs && !opts.labs.includes(f.lab)) continue;
      let r: SweptResource;
      if (opts.dryRun) r = { kind: k.kind, id: f.id, lab: f.lab, outcome: 'found' };
      else {
        try {
          r = { kind: k.kind, id: f.id, lab: f.lab, outcome: (await f.remove()) ?? 'deleted' };
        } catch (e) {
          const err = e as { name?: string; message?: string };
          if (err.name?.endsWith('NotFoundException') || err.name === 'NoSuchEntity' || err.name === 'ResourceNotFoundException') continue; // gone meanwhile
          r = { kind: k.kind, id: f.id, lab: f.lab, outcome: 'failed', reason: `${err.name}: ${err.message}` };
        }
      }
      results.push(r);
      opts.onResult?.(r);
    }
  }
  return results;
}
