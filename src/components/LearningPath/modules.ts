/**
 * The course modules in learning order, as the home page lists them.
 *
 * `docId` is the module overview's doc id: the folder under docs/ without its
 * number prefix, plus `/index`. The page's URL is looked up from the docs
 * plugin by that id, so a renamed folder fails the build instead of leaving a
 * dead link. `labs` are lab ids (labs/<id>/), which progress is keyed by.
 * Minutes are estimates for reading the lesson and doing its labs.
 */
export type CourseModule = {
  docId: string;
  title: string;
  summary: string;
  minutes: number;
  labs: readonly string[];
};

export const courseModules: readonly CourseModule[] = [
  {
    docId: 'getting-started/index',
    title: 'Getting started',
    summary:
      'Start the sandbox, learn how a lab is checked, and see where your AWS calls go.',
    minutes: 15,
    labs: [],
  },
  {
    docId: 'lambda-invocation/index',
    title: 'Lambda: sync and async invocation',
    summary:
      'Who waits, who retries and where failed events go when a function is invoked.',
    minutes: 60,
    labs: ['lambda-hello-sync', 'lambda-async-email'],
  },
  {
    docId: 'cold-starts/index',
    title: 'Cold starts and execution environments',
    summary:
      'The Init, Invoke and Shutdown lifecycle, warm reuse, and provisioned concurrency.',
    minutes: 40,
    labs: ['lambda-cold-start'],
  },
  {
    docId: 'api-gateway/index',
    title: 'API Gateway',
    summary:
      'Put an HTTP API in front of a function, and choose between HTTP and REST APIs.',
    minutes: 45,
    labs: ['api-gateway-http'],
  },
  {
    docId: 'lambda-edge/index',
    title: 'CloudFront and Lambda@Edge',
    summary:
      'What the CDN does, the four CloudFront triggers, and the rules edge functions follow.',
    minutes: 45,
    labs: ['lambda-edge'],
  },
  {
    docId: 'serverless-framework/index',
    title: 'The Serverless Framework',
    summary:
      'Describe functions and events in serverless.yml and deploy them as a stack.',
    minutes: 40,
    labs: ['serverless-framework'],
  },
  {
    docId: 'iam/index',
    title: 'IAM: users, groups, roles and policies',
    summary:
      'Who may do what: identities, trust policies, and how a request is allowed or denied.',
    minutes: 90,
    labs: ['iam-intern', 'iam-roles'],
  },
  {
    docId: 'cognito-user-pools/index',
    title: 'Cognito user pools',
    summary:
      'Sign-up, sign-in, password policies, tokens, and sign-in with a social provider.',
    minutes: 110,
    labs: ['cognito-user-pool', 'cognito-social-login'],
  },
  {
    docId: 'cognito-identity-pools/index',
    title: 'Cognito identity pools',
    summary:
      'Exchange a sign-in token for temporary, scoped AWS credentials for a role you define.',
    minutes: 60,
    labs: ['cognito-identity-pool'],
  },
  {
    docId: 'cloudformation/index',
    title: 'CloudFormation',
    summary:
      'Templates, stacks, intrinsic functions, outputs, and what a rollback leaves behind.',
    minutes: 75,
    labs: ['cloudformation-stack'],
  },
  {
    docId: 'vpc/index',
    title: 'VPC networking',
    summary:
      'Subnets, route tables, gateways, security groups and network ACLs, and Lambda in a VPC.',
    minutes: 50,
    labs: ['vpc-network'],
  },
  {
    docId: 'ec2/index',
    title: 'EC2',
    summary:
      'Instance types, purchase options, and everything it takes to reach a server from the internet.',
    minutes: 35,
    labs: ['ec2-web-server'],
  },
  {
    docId: 'capstone/index',
    title: 'Capstone: a serverless app',
    summary:
      'Design, deploy and secure a small application that uses what the course taught.',
    minutes: 120,
    labs: ['serverless-app'],
  },
];
