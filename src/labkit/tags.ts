/**
 * On a real account (and wherever AWSLINGS_TAG_RESOURCES=1), everything a lab creates carries the
 * tag `awslings:lab=<id>`, so `awslings cleanup` can find what the course made and delete it, and
 * the learner can see it in the console. The tag is added to the create call itself, by an SDK
 * middleware, for the create operations that accept tags; tags the learner set are kept.
 */

export const LAB_TAG_KEY = 'awslings:lab';

type Input = Record<string, unknown>;
type TagList = { Key?: string; Value?: string }[];

const inList = (field: string) => (input: Input, lab: string) => {
  const tags = ((input[field] as TagList | undefined) ?? []).filter((t) => t.Key !== LAB_TAG_KEY);
  input[field] = [...tags, { Key: LAB_TAG_KEY, Value: lab }];
};
const inMap = (field: string) => (input: Input, lab: string) => {
  input[field] = { ...((input[field] as Record<string, string> | undefined) ?? {}), [LAB_TAG_KEY]: lab };
};
/** EC2's TagSpecifications: one entry per resource type the call creates. */
const inSpecs =
  (...types: string[]) =>
  (input: Input, lab: string) => {
    const specs = ((input.TagSpecifications as { ResourceType?: string; Tags?: TagList }[] | undefined) ?? []).map((s) => ({ ...s }));
    for (const type of types) {
      let spec = specs.find((s) => s.ResourceType === type);
      if (!spec) specs.push((spec = { ResourceType: type, Tags: [] }));
      spec.Tags = [...(spec.Tags ?? []).filter((t) => t.Key !== LAB_TAG_KEY), { Key: LAB_TAG_KEY, Value: lab }];
    }
    input.TagSpecifications = specs;
  };

/**
 * Create operations and where their tags go. The key is the SDK command's name; the same name in
 * two services (CreateTags is not here) means the same shape, or the service is named too.
 */
const TAGGERS: Record<string, (input: Input, lab: string) => void> = {
  // Lambda, Logs, SQS
  'Lambda:CreateFunctionCommand': inMap('Tags'),
  'CloudWatchLogs:CreateLogGroupCommand': inMap('tags'),
  'SQS:CreateQueueCommand': inMap('tags'),
  // IAM (groups take no tags)
  'IAM:CreateRoleCommand': inList('Tags'),
  'IAM:CreateUserCommand': inList('Tags'),
  'IAM:CreatePolicyCommand': inList('Tags'),
  'IAM:CreateInstanceProfileCommand': inList('Tags'),
  // CloudFormation: stack tags reach every resource of the stack that takes tags.
  'CloudFormation:CreateStackCommand': inList('Tags'),
  // Cognito
  'CognitoIdentityProvider:CreateUserPoolCommand': inMap('UserPoolTags'),
  'CognitoIdentity:CreateIdentityPoolCommand': inMap('IdentityPoolTags'),
  // API Gateway
  'APIGateway:CreateRestApiCommand': inMap('tags'),
  'ApiGatewayV2:CreateApiCommand': inMap('Tags'),
  // SSM, SNS
  'SSM:PutParameterCommand': (input, lab) => {
    if (!input.Overwrite) inList('Tags')(input, lab); // AWS refuses tags with Overwrite
  },
  'SNS:CreateTopicCommand': inList('Tags'),
  // EC2
  'EC2:RunInstancesCommand': inSpecs('instance', 'volume'),
  'EC2:CreateVpcCommand': inSpecs('vpc'),
  'EC2:CreateSubnetCommand': inSpecs('subnet'),
  'EC2:CreateSecurityGroupCommand': inSpecs('security-group'),
  'EC2:CreateInternetGatewayCommand': inSpecs('internet-gateway'),
  'EC2:CreateRouteTableCommand': inSpecs('route-table'),
  'EC2:CreateNatGatewayCommand': inSpecs('natgateway'),
  'EC2:AllocateAddressCommand': inSpecs('elastic-ip'),
  'EC2:CreateKeyPairCommand': inSpecs('key-pair'),
  'EC2:CreateNetworkAclCommand': inSpecs('network-acl'),
};

/** The service part of an SDK client's name: `LambdaClient` → `Lambda`. */
const serviceOfClient = (clientName: string): string => clientName.replace(/Client$/, '');

/** Adds the lab tag to a create call's input, in place. Returns whether the operation takes tags. */
export function addLabTag(service: string, commandName: string, input: Input, lab: string): boolean {
  const tagger = TAGGERS[`${service}:${commandName}`];
  if (!tagger) return false;
  tagger(input, lab);
  return true;
}

/** Whether resources made on this target are tagged with their lab. */
export const tagsResources = (targetName: string): boolean => targetName === 'aws' || process.env.AWSLINGS_TAG_RESOURCES === '1';

interface MiddlewareStackLike {
  add(mw: (next: (args: { input: Input }) => Promise<unknown>, context: { clientName?: string; commandName?: string }) => (args: { input: Input }) => Promise<unknown>, options: { step: 'initialize'; name: string; override?: boolean }): void;
}

/** Puts the tagging middleware on an SDK client. */
export function tagClient<C extends { middlewareStack: unknown }>(client: C, lab: string): C {
  (client.middlewareStack as MiddlewareStackLike).add(
    (next, context) => async (args) => {
      if (context.clientName && context.commandName) {
        const input = { ...args.input };
        if (addLabTag(serviceOfClient(context.clientName), context.commandName, input, lab)) return next({ ...args, input });
      }
      return next(args);
    },
    { step: 'initialize', name: 'awslingsLabTag', override: true },
  );
  return client;
}
