import type { StackEvent } from '@aws-sdk/client-cloudformation';
import { clientConfig } from '../labkit/target.js';
import type { ClientConfig, TargetInfo } from '../labkit/types.js';

/**
 * What the page's inspector shows about the lab account. Resources and stack events are read
 * through the AWS API, as a learner would; Lambda environments, IAM decisions and the outbox come
 * from the awslings emulator's own /_awslings/ endpoints, which no AWS API offers.
 */

export interface Unavailable {
  available: false;
  reason: string;
}

export interface Resource {
  type: string;
  name: string;
  arn?: string;
  detail?: string;
}

export interface ServiceResources {
  service: string;
  resources: Resource[];
  error?: string;
}

type Lister = (cfg: ClientConfig, accountId: string) => Promise<Resource[]>;

// Each lister loads its SDK client when first used: eleven clients at start-up would cost seconds.
const listers: Record<string, Lister> = {
  iam: async (cfg) => {
    const { IAMClient, ListGroupsCommand, ListPoliciesCommand, ListRolesCommand, ListUsersCommand } = await import('@aws-sdk/client-iam');
    const iam = new IAMClient(cfg);
    const [roles, users, groups, policies] = await Promise.all([
      iam.send(new ListRolesCommand({})),
      iam.send(new ListUsersCommand({})),
      iam.send(new ListGroupsCommand({})),
      iam.send(new ListPoliciesCommand({ Scope: 'Local' })),
    ]);
    return [
      ...(roles.Roles ?? []).filter((r) => !r.Path?.startsWith('/aws-service-role/')).map((r) => ({ type: 'Role', name: r.RoleName!, arn: r.Arn })),
      ...(users.Users ?? []).map((u) => ({ type: 'User', name: u.UserName!, arn: u.Arn })),
      ...(groups.Groups ?? []).map((g) => ({ type: 'Group', name: g.GroupName!, arn: g.Arn })),
      ...(policies.Policies ?? []).map((p) => ({ type: 'Policy', name: p.PolicyName!, arn: p.Arn })),
    ];
  },
  lambda: async (cfg) => {
    const { LambdaClient, ListFunctionsCommand } = await import('@aws-sdk/client-lambda');
    return ((await new LambdaClient(cfg).send(new ListFunctionsCommand({}))).Functions ?? []).map((f) => ({
      type: 'Function',
      name: f.FunctionName!,
      arn: f.FunctionArn,
      detail: [f.Runtime, f.MemorySize && `${f.MemorySize} MB`, f.Timeout && `${f.Timeout} s`].filter(Boolean).join(', '),
    }));
  },
  logs: async (cfg) => {
    const { CloudWatchLogsClient, DescribeLogGroupsCommand } = await import('@aws-sdk/client-cloudwatch-logs');
    return ((await new CloudWatchLogsClient(cfg).send(new DescribeLogGroupsCommand({}))).logGroups ?? []).map((g) => ({
      type: 'Log group',
      name: g.logGroupName!,
      arn: g.arn,
      detail: g.storedBytes !== undefined ? `${g.storedBytes} bytes` : undefined,
    }));
  },
  s3: async (cfg) => {
    const { ListBucketsCommand, S3Client } = await import('@aws-sdk/client-s3');
    return ((await new S3Client({ ...cfg, forcePathStyle: true }).send(new ListBucketsCommand({}))).Buckets ?? []).map((b) => ({ type: 'Bucket', name: b.Name! }));
  },
  sqs: async (cfg) => {
    const { ListQueuesCommand, SQSClient } = await import('@aws-sdk/client-sqs');
    return ((await new SQSClient(cfg).send(new ListQueuesCommand({}))).QueueUrls ?? []).map((u) => ({ type: 'Queue', name: u.split('/').pop()!, detail: u }));
  },
  ssm: async (cfg) => {
    const { DescribeParametersCommand, SSMClient } = await import('@aws-sdk/client-ssm');
    return ((await new SSMClient(cfg).send(new DescribeParametersCommand({}))).Parameters ?? []).map((p) => ({ type: 'Parameter', name: p.Name!, detail: p.Type }));
  },
  'cognito-idp': async (cfg) => {
    const { CognitoIdentityProviderClient, ListUserPoolsCommand } = await import('@aws-sdk/client-cognito-identity-provider');
    return ((await new CognitoIdentityProviderClient(cfg).send(new ListUserPoolsCommand({ MaxResults: 60 }))).UserPools ?? []).map((p) => ({ type: 'User pool', name: p.Name!, detail: p.Id }));
  },
  cloudformation: async (cfg) => {
    const { CloudFormationClient, DescribeStacksCommand } = await import('@aws-sdk/client-cloudformation');
    return ((await new CloudFormationClient(cfg).send(new DescribeStacksCommand({}))).Stacks ?? []).map((s) => ({ type: 'Stack', name: s.StackName!, arn: s.StackId, detail: s.StackStatus }));
  },
  apigateway: async (cfg) => {
    const { APIGatewayClient, GetRestApisCommand } = await import('@aws-sdk/client-api-gateway');
    return ((await new APIGatewayClient(cfg).send(new GetRestApisCommand({}))).items ?? []).map((a) => ({ type: 'REST API', name: a.name!, detail: a.id }));
  },
  apigatewayv2: async (cfg) => {
    const { ApiGatewayV2Client, GetApisCommand } = await import('@aws-sdk/client-apigatewayv2');
    return ((await new ApiGatewayV2Client(cfg).send(new GetApisCommand({}))).Items ?? []).map((a) => ({ type: `${a.ProtocolType ?? ''} API`.trim(), name: a.Name!, detail: a.ApiId }));
  },
  ec2: async (cfg) => {
    const { DescribeInstancesCommand, DescribeSecurityGroupsCommand, DescribeVpcsCommand, EC2Client } = await import('@aws-sdk/client-ec2');
    const ec2 = new EC2Client(cfg);
    const [vpcs, groups, instances] = await Promise.all([
      ec2.send(new DescribeVpcsCommand({})),
      ec2.send(new DescribeSecurityGroupsCommand({})),
      ec2.send(new DescribeInstancesCommand({})),
    ]);
    return [
      ...(vpcs.Vpcs ?? []).filter((v) => !v.IsDefault).map((v) => ({ type: 'VPC', name: v.Tags?.find((t) => t.Key === 'Name')?.Value ?? v.VpcId!, detail: v.CidrBlock })),
      ...(groups.SecurityGroups ?? []).filter((g) => g.GroupName !== 'default').map((g) => ({ type: 'Security group', name: g.GroupName!, detail: g.GroupId })),
      ...(instances.Reservations ?? []).flatMap((r) => r.Instances ?? []).map((i) => ({ type: 'Instance', name: i.InstanceId!, detail: [i.InstanceType, i.State?.Name].filter(Boolean).join(', ') })),
    ];
  },
};

/** Services the target offers, in the order the course meets them. */
const offered = (target: TargetInfo, ids: string[]) => ids.filter((id) => !target.services || target.services.has(id));

export class Inspector {
  constructor(private readonly target: TargetInfo) {}

  private cfg(): ClientConfig {
    return { ...clientConfig(this.target), maxAttempts: 1 };
  }

  /** Every resource of the lab account, per service; a service that fails to answer says so and the others still show. */
  async resources(services?: string[]): Promise<{ accountId: string; region: string; services: ServiceResources[] }> {
    const ids = offered(this.target, services?.length ? services.filter((s) => s in listers) : Object.keys(listers));
    const out = await Promise.all(
      ids.map(async (service): Promise<ServiceResources> => {
        try {
          return { service, resources: await listers[service](this.cfg(), this.target.accountId) };
        } catch (e) {
          return { service, resources: [], error: `${(e as Error).name}: ${(e as Error).message}` };
        }
      }),
    );
    return { accountId: this.target.accountId, region: this.target.region, services: out };
  }

  /** One of the emulator's own feeds, for the lab account. */
  private async awslings(path: string, params: Record<string, string | undefined> = {}): Promise<unknown | Unavailable> {
    if (!this.target.isAwslings || !this.target.endpoint) {
      return { available: false, reason: `The ${this.target.name} target is not the awslings emulator, so it has no ${path} view.` };
    }
    const q = new URLSearchParams({ accountId: this.target.accountId });
    for (const [k, v] of Object.entries(params)) if (v !== undefined) q.set(k, v);
    let res: Response;
    try {
      res = await fetch(`${this.target.endpoint}${path}?${q}`, { signal: AbortSignal.timeout(5000) });
    } catch (e) {
      return { available: false, reason: `The sandbox did not answer (${(e as Error).message}). Is it still running?` };
    }
    if (res.status === 404) return { available: false, reason: `This sandbox has no ${path} yet (its emulator is older, or the service is not built).` };
    if (!res.ok) return { available: false, reason: `The sandbox answered ${res.status} for ${path}.` };
    return { available: true, ...((await res.json()) as object) };
  }

  /** Execution environments and recent invocations: cold and warm starts, init and run durations. */
  lambda(): Promise<unknown> {
    return this.awslings('/_awslings/lambda/environments');
  }

  iamDecisions(since?: string): Promise<unknown> {
    return this.awslings('/_awslings/iam/decisions', { since, limit: '200' });
  }

  outbox(): Promise<unknown> {
    return this.awslings('/_awslings/outbox');
  }

  /** Every stack with its events, oldest first, for the timeline. */
  async stacks(): Promise<{ available: true; stacks: { name: string; id?: string; status?: string; reason?: string; events: StackEvent[] }[] } | Unavailable> {
    if (this.target.services && !this.target.services.has('cloudformation')) {
      return { available: false, reason: `The ${this.target.name} target has no CloudFormation yet.` };
    }
    const { CloudFormationClient, DescribeStackEventsCommand, DescribeStacksCommand } = await import('@aws-sdk/client-cloudformation');
    const cfn = new CloudFormationClient(this.cfg());
    try {
      const stacks = (await cfn.send(new DescribeStacksCommand({}))).Stacks ?? [];
      const out = await Promise.all(
        stacks.slice(0, 20).map(async (s) => {
          const events = (await cfn.send(new DescribeStackEventsCommand({ StackName: s.StackId ?? s.StackName })).catch(() => ({ StackEvents: [] }))).StackEvents ?? [];
          return { name: s.StackName!, id: s.StackId, status: s.StackStatus, reason: s.StackStatusReason, events: [...events].reverse() };
        }),
      );
      return { available: true, stacks: out };
    } catch (e) {
      const err = e as Error & { $metadata?: { httpStatusCode?: number } };
      return { available: false, reason: `CloudFormation did not answer: ${err.name}: ${err.message}` };
    }
  }
}
