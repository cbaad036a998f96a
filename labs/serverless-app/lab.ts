import { randomBytes } from 'node:crypto';
import {
  ApiGatewayV2Client,
  GetAuthorizersCommand,
  GetIntegrationCommand,
  GetRoutesCommand,
  GetStagesCommand,
  type Authorizer,
  type Route,
} from '@aws-sdk/client-apigatewayv2';
import {
  CloudFormationClient,
  DeleteStackCommand,
  DescribeStackResourcesCommand,
  DescribeStacksCommand,
  type StackResource,
} from '@aws-sdk/client-cloudformation';
import {
  AdminConfirmSignUpCommand,
  AdminDeleteUserCommand,
  CognitoIdentityProviderClient,
  ConfirmSignUpCommand,
  DescribeUserPoolClientCommand,
  DescribeUserPoolCommand,
  InitiateAuthCommand,
  SignUpCommand,
  type UserPoolClientType,
} from '@aws-sdk/client-cognito-identity-provider';
import { IAMClient, SimulatePrincipalPolicyCommand, type ContextEntry } from '@aws-sdk/client-iam';
import { GetFunctionConfigurationCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { DeleteObjectsCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { assert, defineLab, eventually, type CheckContext, type LabContext } from 'awslings/labkit';

const STACK = 'notes-app';
const ISSUER_HOST = (region: string) => `https://cognito-idp.${region}.amazonaws.com`;

// ---------------------------------------------------------------------------------------------
// The stack and what it holds
// ---------------------------------------------------------------------------------------------

async function stackResources(ctx: LabContext): Promise<StackResource[]> {
  try {
    return (await ctx.client(CloudFormationClient).send(new DescribeStackResourcesCommand({ StackName: STACK }))).StackResources ?? [];
  } catch (e) {
    if (/does not exist/.test((e as Error).message)) return [];
    throw e;
  }
}

/** The stack's resources, or a failure that says to deploy. Cached for the run. */
async function resources(ctx: CheckContext): Promise<StackResource[]> {
  if (ctx.shared.resources) return ctx.shared.resources as StackResource[];
  const all = await stackResources(ctx);
  if (!all.length) ctx.fail(`There is no stack ${STACK}. Deploy your template: npx awslings deploy serverless-app`, { expected: STACK, found: 'no such stack' });
  ctx.shared.resources = all;
  return all;
}

/** The physical id of the stack's one resource of a type, or a failure naming what is missing. */
async function physical(ctx: CheckContext, type: string, what: string): Promise<string> {
  const found = (await resources(ctx)).filter((r) => r.ResourceType === type && r.PhysicalResourceId);
  if (!found.length) ctx.fail(`The stack ${STACK} has no ${what} (${type}) yet: the first check lists what it holds.`);
  return found[0].PhysicalResourceId!;
}

const poolIdOf = (ctx: CheckContext) => physical(ctx, 'AWS::Cognito::UserPool', 'the user pool');
const clientIdOf = (ctx: CheckContext) => physical(ctx, 'AWS::Cognito::UserPoolClient', 'the app client');
const apiIdOf = (ctx: CheckContext) => physical(ctx, 'AWS::ApiGatewayV2::Api', 'the HTTP API');
const bucketOf = (ctx: CheckContext) => physical(ctx, 'AWS::S3::Bucket', 'the notes bucket');

/** The API's JWT authorizer (the one its routes use, if several). */
async function jwtAuthorizer(ctx: CheckContext): Promise<Authorizer | undefined> {
  const apiId = await apiIdOf(ctx);
  const all = (await ctx.client(ApiGatewayV2Client).send(new GetAuthorizersCommand({ ApiId: apiId }))).Items ?? [];
  return all.find((a) => a.AuthorizerType === 'JWT');
}

async function routes(ctx: CheckContext): Promise<Route[]> {
  return (await ctx.client(ApiGatewayV2Client).send(new GetRoutesCommand({ ApiId: await apiIdOf(ctx) }))).Items ?? [];
}

/** The function a route's Lambda proxy integration calls, by name. */
async function functionOfRoute(ctx: CheckContext, route: Route): Promise<string | undefined> {
  const id = /^integrations\/(.+)$/.exec(route.Target ?? '')?.[1];
  if (!id) return undefined;
  const integration = await ctx.client(ApiGatewayV2Client).send(new GetIntegrationCommand({ ApiId: await apiIdOf(ctx), IntegrationId: id }));
  if (integration.IntegrationType !== 'AWS_PROXY') return undefined;
  return /:function:([^:/]+)/.exec(integration.IntegrationUri ?? '')?.[1];
}

interface Functions {
  list: string;
  add: string;
}

/** The function behind a route, or a failure that says what is missing. Cached for the run. */
async function functionFor(ctx: CheckContext, key: 'GET /notes' | 'POST /notes'): Promise<string> {
  const cache = (ctx.shared.functionFor ??= {}) as Record<string, string>;
  if (cache[key]) return cache[key];
  const all = await routes(ctx);
  const route = all.find((r) => r.RouteKey === key);
  if (!route) ctx.fail(`The API has no route ${key}.`, { expected: key, found: all.map((r) => r.RouteKey) });
  const fn = await functionOfRoute(ctx, route);
  if (!fn) ctx.fail(`The route ${key} does not lead to a Lambda function (an AWS_PROXY integration).`, { found: route.Target ?? 'no target' });
  cache[key] = fn;
  return fn;
}

/** The functions behind GET /notes and POST /notes. */
async function functions(ctx: CheckContext): Promise<Functions> {
  return { list: await functionFor(ctx, 'GET /notes'), add: await functionFor(ctx, 'POST /notes') };
}

/** The other route's function for a "may not invoke it" probe; a likely name while it does not exist yet. */
async function otherFunction(ctx: CheckContext, key: 'GET /notes' | 'POST /notes', guess: string): Promise<string> {
  try {
    return await functionFor(ctx, key);
  } catch {
    return `${STACK}-${guess}`;
  }
}

/** Where a request for a path of the API goes: the sandbox's path-style URL (Node cannot resolve *.localhost), or the API's own. */
async function urlOf(ctx: CheckContext, path: string): Promise<string> {
  const apiId = await apiIdOf(ctx);
  const stages = (await ctx.client(ApiGatewayV2Client).send(new GetStagesCommand({ ApiId: apiId }))).Items ?? [];
  if (!stages.length) ctx.fail('The API has no stage, so nothing serves it. Add an AWS::ApiGatewayV2::Stage named $default with AutoDeploy: true.', { found: 'no stages' });
  const stage = stages.find((s) => s.StageName === '$default') ?? stages[0];
  const prefix = stage.StageName === '$default' ? '' : `/${stage.StageName}`;
  if (ctx.target.isAwslings && ctx.target.endpoint) return `${ctx.target.endpoint}/_aws/execute-api/${apiId}${prefix}${path}`;
  return `https://${apiId}.execute-api.${ctx.region}.amazonaws.com${prefix}${path}`;
}

/** What an API Gateway status usually means here, for the failure message. */
const why = (status: number): string =>
  status === 500
    ? ' A 500 means the function failed (its log says why: often AccessDenied from S3), or API Gateway was not allowed to invoke it (an AWS::Lambda::Permission for the route); the inspector shows both.'
    : status === 404
      ? ' A 404 means the API has no such route.'
      : status === 401 || status === 403
        ? " The authorizer refused the user's token: check its issuer and audience."
        : '';

interface Answer {
  status: number;
  text: string;
  body: unknown;
}

async function call(ctx: CheckContext, method: 'GET' | 'POST', path: string, opts: { token?: string; body?: unknown; who?: string } = {}): Promise<Answer> {
  const url = await urlOf(ctx, path);
  const headers: Record<string, string> = {};
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(url, { method, headers, body: opts.body === undefined ? undefined : JSON.stringify(opts.body), signal: AbortSignal.timeout(20_000) });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    /* not JSON: kept as text */
  }
  ctx.log(`${method} ${path}${opts.who ? ` as ${opts.who}` : ' with no token'}${opts.body !== undefined ? ` ${JSON.stringify(opts.body)}` : ''} -> ${res.status} ${text.slice(0, 200)}`);
  return { status: res.status, text, body };
}

// ---------------------------------------------------------------------------------------------
// Users: signed up, confirmed with the mailed code, and signed in, as a person would
// ---------------------------------------------------------------------------------------------

interface SignedIn {
  name: string;
  username: string;
  email: string;
  sub: string;
  idToken: string;
}

/** A password any sensible policy accepts: long, with lower and upper case, digits and symbols. */
const password = () => `Nt-${randomBytes(9).toString('hex')}-Qz7!`;

const claimsOf = (jwt: string): Record<string, unknown> => JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;

const flows = (c: UserPoolClientType) => c.ExplicitAuthFlows ?? [];
const allowsPassword = (c: UserPoolClientType) => flows(c).some((f) => f === 'ALLOW_USER_PASSWORD_AUTH' || f === 'USER_PASSWORD_AUTH');
/** Without ExplicitAuthFlows, Cognito allows SRP, custom auth and refresh tokens. */
const allowsSrp = (c: UserPoolClientType) => !flows(c).length || flows(c).includes('ALLOW_USER_SRP_AUTH');

async function appClient(ctx: CheckContext): Promise<UserPoolClientType> {
  const c = await ctx.client(CognitoIdentityProviderClient).send(new DescribeUserPoolClientCommand({ UserPoolId: await poolIdOf(ctx), ClientId: await clientIdOf(ctx) }));
  return c.UserPoolClient!;
}

/** Signs in with SRP, as a browser app would, through amazon-cognito-identity-js (the password never leaves this process). */
async function srpSignIn(ctx: CheckContext, poolId: string, clientId: string, username: string, pw: string): Promise<string> {
  const { AuthenticationDetails, CognitoUser, CognitoUserPool } = await import('amazon-cognito-identity-js');
  const pool = new CognitoUserPool({ UserPoolId: poolId, ClientId: clientId, ...(ctx.target.endpoint ? { endpoint: ctx.target.endpoint } : {}) });
  const user = new CognitoUser({ Username: username, Pool: pool });
  user.setAuthenticationFlowType('USER_SRP_AUTH');
  return new Promise((resolve, reject) =>
    user.authenticateUser(new AuthenticationDetails({ Username: username, Password: pw }), {
      onSuccess: (s) => resolve(s.getIdToken().getJwtToken()),
      onFailure: (e: Error & { code?: string }) => reject(Object.assign(new Error(`SRP sign-in of ${username} failed: ${e.code ?? e.name}: ${e.message}`), { signIn: true })),
      newPasswordRequired: () => reject(Object.assign(new Error(`Cognito asked ${username} for a new password.`), { signIn: true })),
      mfaRequired: () => reject(Object.assign(new Error(`Cognito asked ${username} for an MFA code: the checker cannot sign in with MFA required.`), { signIn: true })),
      totpRequired: () => reject(Object.assign(new Error(`Cognito asked ${username} for an MFA code: the checker cannot sign in with MFA required.`), { signIn: true })),
    }),
  );
}

/** A new user of the learner's pool: signed up through the app client, confirmed with the code the sandbox mailed, signed in. */
async function newUser(ctx: CheckContext, name: string): Promise<SignedIn> {
  const idp = ctx.client(CognitoIdentityProviderClient);
  const poolId = await poolIdOf(ctx);
  const client = await appClient(ctx);
  const pool = (await idp.send(new DescribeUserPoolCommand({ UserPoolId: poolId }))).UserPool!;
  const email = `${ctx.random(`${name.toLowerCase()}-`)}@example.com`;
  const username = pool.UsernameAttributes?.includes('email') ? email : ctx.random(`${name.toLowerCase()}-`);
  const pw = password();
  const up = await idp.send(
    new SignUpCommand({ ClientId: client.ClientId, Username: username, Password: pw, UserAttributes: [{ Name: 'email', Value: email }] }),
  );
  if (!up.UserConfirmed) {
    // The code Cognito sent, from the sandbox's outbox. Real AWS mails it for real: confirm as an administrator there.
    const code = up.CodeDeliveryDetails && ctx.target.isAwslings ? await eventually(async () => (await ctx.outbox({ to: email })).at(-1)?.code, 5000, 100) : undefined;
    if (code) await idp.send(new ConfirmSignUpCommand({ ClientId: client.ClientId, Username: username, ConfirmationCode: code }));
    else await idp.send(new AdminConfirmSignUpCommand({ UserPoolId: poolId, Username: username }));
  }
  ctx.shared.users = [...((ctx.shared.users as string[] | undefined) ?? []), username];
  let idToken: string;
  if (allowsPassword(client)) {
    const auth = await idp.send(new InitiateAuthCommand({ ClientId: client.ClientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: username, PASSWORD: pw } }));
    if (!auth.AuthenticationResult?.IdToken) ctx.fail(`Signing ${name} in asked for a challenge (${auth.ChallengeName}) instead of giving tokens. Leave MFA off for this app.`, { found: auth.ChallengeName });
    idToken = auth.AuthenticationResult.IdToken;
  } else {
    try {
      idToken = await srpSignIn(ctx, poolId, client.ClientId!, username, pw);
    } catch (e) {
      if ((e as { signIn?: boolean }).signIn) ctx.fail((e as Error).message);
      throw e;
    }
  }
  const sub = String(claimsOf(idToken).sub);
  ctx.log(`${name} signed up as ${username} (sub ${sub}) and signed in.`);
  return { name, username, email, sub, idToken };
}

// ---------------------------------------------------------------------------------------------
// IAM: what each function's role may do
// ---------------------------------------------------------------------------------------------

async function roleOf(ctx: CheckContext, fn: string): Promise<string> {
  return (await ctx.client(LambdaClient).send(new GetFunctionConfigurationCommand({ FunctionName: fn }))).Role!;
}

interface Probe {
  action: string;
  resource: string;
  context?: ContextEntry[];
  /** Why this should be allowed or denied, for the message. */
  why: string;
}

async function decisions(ctx: CheckContext, roleArn: string, probes: Probe[]): Promise<{ probe: Probe; decision: string }[]> {
  const iam = ctx.client(IAMClient);
  const out = [];
  for (const probe of probes) {
    const r = await iam.send(
      new SimulatePrincipalPolicyCommand({ PolicySourceArn: roleArn, ActionNames: [probe.action], ResourceArns: [probe.resource], ContextEntries: probe.context }),
    );
    out.push({ probe, decision: r.EvaluationResults?.[0]?.EvalDecision ?? 'unknown' });
  }
  return out;
}

/** Checks what a role may and may not do, and says each wrong answer. */
async function leastPrivilege(ctx: CheckContext, fn: string, allowed: Probe[], denied: Probe[]): Promise<void> {
  const role = await roleOf(ctx, fn);
  const wrong: string[] = [];
  for (const { probe, decision } of await decisions(ctx, role, allowed)) {
    ctx.log(`${probe.action} on ${probe.resource}: ${decision}`);
    if (decision !== 'allowed') wrong.push(`should be allowed, is ${decision}: ${probe.action} on ${probe.resource} (${probe.why})`);
  }
  for (const { probe, decision } of await decisions(ctx, role, denied)) {
    ctx.log(`${probe.action} on ${probe.resource}: ${decision}`);
    if (decision === 'allowed') wrong.push(`should be denied, is allowed: ${probe.action} on ${probe.resource} (${probe.why})`);
  }
  assert(!wrong.length, `The role of ${fn} (${role.split('/').pop()}) does not follow least privilege.`, { found: wrong });
}

const prefixContext = (prefix: string): ContextEntry[] => [{ ContextKeyName: 's3:prefix', ContextKeyType: 'string', ContextKeyValues: [prefix] }];

// ---------------------------------------------------------------------------------------------
// The lab
// ---------------------------------------------------------------------------------------------

const REQUIRED: [type: string, what: string, count: number][] = [
  ['AWS::Cognito::UserPool', 'the user pool', 1],
  ['AWS::Cognito::UserPoolClient', 'the app client', 1],
  ['AWS::ApiGatewayV2::Api', 'the HTTP API', 1],
  ['AWS::ApiGatewayV2::Authorizer', 'the JWT authorizer', 1],
  ['AWS::Lambda::Function', 'the two functions', 2],
  ['AWS::S3::Bucket', 'the notes bucket', 1],
];

export default defineLab({
  id: 'serverless-app',
  title: 'Capstone: a notes app with sign-in, an API and least-privilege functions',
  module: '12-capstone',
  objectives: [
    'Describe a whole application in one CloudFormation template: a user pool, an HTTP API, functions, roles and a bucket',
    'Protect an API with a JWT authorizer that trusts one user pool and one app client',
    "Keep each user's data apart, using the identity the authorizer verified",
    'Give each function a role that reaches only its own resources, and prove it with the policy simulator',
  ],
  minutes: 120,
  services: ['cloudformation', 'cognito-idp', 'apigatewayv2', 'lambda', 'iam', 's3', 'logs'],
  files: ['template.yaml', 'deploy.ts', 'try.mjs'],
  checks: [
    {
      id: 'stack',
      title: `The stack ${STACK} is deployed, with a user pool, an app client, an HTTP API, a JWT authorizer, two functions and a bucket`,
      points: 1,
      hint: 'Run npx awslings deploy serverless-app and read what it prints: a failed create or update names the resource and the reason. Every part of the app is a resource of template.yaml.',
      async run(ctx) {
        let status: string | undefined;
        try {
          status = (await ctx.client(CloudFormationClient).send(new DescribeStacksCommand({ StackName: STACK }))).Stacks?.[0]?.StackStatus;
        } catch (e) {
          if (!/does not exist/.test((e as Error).message)) throw e;
        }
        assert(status, `There is no stack ${STACK}. Deploy your template: npx awslings deploy serverless-app`, { expected: 'CREATE_COMPLETE or UPDATE_COMPLETE', found: 'no such stack' });
        assert(status === 'CREATE_COMPLETE' || status === 'UPDATE_COMPLETE', `The stack is ${status}: its last create or update did not succeed, so your latest template is not what runs.`, {
          expected: 'CREATE_COMPLETE or UPDATE_COMPLETE',
          found: status,
        });
        const all = await resources(ctx);
        const missing = REQUIRED.filter(([type, , n]) => all.filter((r) => r.ResourceType === type).length < n).map(([type, what, n]) => `${what} (${n > 1 ? `${n} × ` : ''}${type})`);
        assert(!missing.length, `The stack lacks ${missing.join(', ')}.`, { found: all.map((r) => `${r.LogicalResourceId} (${r.ResourceType})`) });
      },
    },
    {
      id: 'app-client',
      title: 'The app client has no secret and lets people sign in with a password (USER_PASSWORD_AUTH or SRP)',
      points: 1,
      hint: 'AWS::Cognito::UserPoolClient: GenerateSecret false (a browser cannot keep a secret), and ExplicitAuthFlows with ALLOW_USER_SRP_AUTH or ALLOW_USER_PASSWORD_AUTH, plus ALLOW_REFRESH_TOKEN_AUTH.',
      async run(ctx) {
        const c = await appClient(ctx);
        assert(!c.ClientSecret, 'The app client has a secret: a web or mobile app cannot keep one, and every sign-in would need it.', { expected: 'GenerateSecret: false', found: 'a client secret' });
        assert(allowsPassword(c) || allowsSrp(c), 'The app client allows neither USER_PASSWORD_AUTH nor USER_SRP_AUTH.', { expected: ['ALLOW_USER_SRP_AUTH', 'ALLOW_USER_PASSWORD_AUTH'], found: flows(c) });
      },
    },
    {
      id: 'authorizer',
      title: "The API's JWT authorizer trusts tokens of the user pool, for the app client",
      points: 2,
      hint: 'AWS::ApiGatewayV2::Authorizer with AuthorizerType JWT, IdentitySource [$request.header.Authorization], and JwtConfiguration: Issuer !Sub https://cognito-idp.${AWS::Region}.amazonaws.com/${UserPool}, Audience [!Ref UserPoolClient].',
      async run(ctx) {
        const poolId = await poolIdOf(ctx);
        const clientId = await clientIdOf(ctx);
        const a = await jwtAuthorizer(ctx);
        assert(a, 'The API has no JWT authorizer.', { expected: 'AuthorizerType: JWT', found: 'none' });
        const issuer = (a.JwtConfiguration?.Issuer ?? '').replace(/\/+$/, '');
        const expected = `${ISSUER_HOST(ctx.region)}/${poolId}`;
        // The sandbox's own issuer URL for the pool names the same pool, and works too.
        const portOf = (u: string) => URL.canParse(u) ? new URL(u).port : undefined;
        const sandboxIssuer = !!ctx.target.endpoint && issuer.endsWith(`/${poolId}`) && portOf(issuer) === portOf(ctx.target.endpoint);
        assert(issuer === expected || sandboxIssuer, `The authorizer ${a.Name} does not trust the stack's user pool: its issuer must be the pool's URL.`, { expected, found: issuer || 'no issuer' });
        assert(a.JwtConfiguration?.Audience?.includes(clientId), `The authorizer ${a.Name}'s audience must be the app client's ID.`, { expected: [clientId], found: a.JwtConfiguration?.Audience ?? 'no audience' });
        assert(a.IdentitySource?.some((s) => s.toLowerCase() === '$request.header.authorization'), `The authorizer ${a.Name} should read the token from the Authorization header.`, {
          expected: ['$request.header.Authorization'],
          found: a.IdentitySource,
        });
      },
    },
    {
      id: 'routes',
      title: 'GET /notes and POST /notes require the JWT authorizer, and each calls a function of its own',
      points: 1,
      hint: 'Each AWS::ApiGatewayV2::Route needs AuthorizationType: JWT and AuthorizerId: !Ref JwtAuthorizer, and a Target integrations/<id> of an AWS_PROXY integration to its own function.',
      async run(ctx) {
        const a = await jwtAuthorizer(ctx);
        const all = await routes(ctx);
        const wrong: string[] = [];
        for (const key of ['GET /notes', 'POST /notes']) {
          const r = all.find((x) => x.RouteKey === key);
          if (!r) wrong.push(`${key}: no such route`);
          else if (r.AuthorizationType !== 'JWT' || !a || r.AuthorizerId !== a.AuthorizerId) wrong.push(`${key}: AuthorizationType ${r.AuthorizationType ?? 'NONE'}, AuthorizerId ${r.AuthorizerId ?? 'none'}`);
        }
        assert(!wrong.length, 'Both routes must exist and use the JWT authorizer.', { expected: `AuthorizationType JWT, AuthorizerId ${a?.AuthorizerId ?? '(the JWT authorizer)'}`, found: wrong });
        const fns = await functions(ctx);
        assert(fns.list !== fns.add, 'GET /notes and POST /notes call the same function: give each route its own function, so that each can have its own role.', { found: fns });
        ctx.log(`GET /notes -> ${fns.list}, POST /notes -> ${fns.add}`);
      },
    },
    {
      id: 'anonymous',
      title: 'Requests without a valid token get 401 Unauthorized',
      points: 2,
      timeoutMs: 30_000,
      hint: 'The JWT authorizer answers 401 before your function runs, but only on routes that use it: check AuthorizationType and AuthorizerId on both routes, and that the stage is deployed (AutoDeploy: true).',
      async run(ctx) {
        const ids = (await resources(ctx)).reduce<Record<string, string>>((m, r) => ({ ...m, [r.ResourceType!]: r.PhysicalResourceId! }), {});
        const poolId = ids['AWS::Cognito::UserPool'] ?? `${ctx.region}_NoPool`;
        const clientId = ids['AWS::Cognito::UserPoolClient'] ?? 'no-client';
        // A token that claims the right issuer and audience but was signed by nobody.
        const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
        const now = Math.floor(Date.now() / 1000);
        const forged = `${b64({ alg: 'RS256', kid: 'forged' })}.${b64({ sub: ctx.random('nobody-'), iss: `${ISSUER_HOST(ctx.region)}/${poolId}`, aud: clientId, token_use: 'id', iat: now, exp: now + 3600 })}.${randomBytes(64).toString('base64url')}`;
        const tries: [string, Promise<Answer>][] = [
          ['GET /notes without a token', call(ctx, 'GET', '/notes')],
          ['POST /notes without a token', call(ctx, 'POST', '/notes', { body: { text: 'anonymous' } })],
          ['GET /notes with a forged token', call(ctx, 'GET', '/notes', { token: forged, who: 'a forger' })],
        ];
        const wrong: string[] = [];
        for (const [what, p] of tries) {
          const r = await p;
          if (r.status !== 401) wrong.push(`${what}: ${r.status} ${r.text.slice(0, 120)}`);
        }
        assert(!wrong.length, 'Requests without a valid token must be refused with 401, before any function runs.', { expected: 401, found: wrong });
      },
    },
    {
      id: 'sign-up',
      title: 'Two new users can sign up, confirm their e-mail address and sign in',
      points: 1,
      timeoutMs: 30_000,
      hint: 'The pool signs people up with their e-mail address (UsernameAttributes: [email], AutoVerifiedAttributes: [email]) and needs no other attribute; leave MFA off. The checker uses USER_PASSWORD_AUTH when the client allows it, SRP otherwise.',
      async run(ctx) {
        ctx.shared.alice = await newUser(ctx, 'Alice');
        ctx.shared.bob = await newUser(ctx, 'Bob');
      },
    },
    {
      id: 'own-notes',
      title: 'Each signed-in user gets their own notes, and never the other\'s',
      points: 3,
      timeoutMs: 40_000,
      hint: 'Take the caller from the token, not from the request: event.requestContext.authorizer.jwt.claims.sub. POST /notes answers 201 with the note; GET /notes answers 200 with { notes: [...] } for that sub only. Each route needs its AWS::Lambda::Permission, and each role its S3 permission.',
      async run(ctx) {
        const alice = ctx.shared.alice as SignedIn | undefined;
        const bob = ctx.shared.bob as SignedIn | undefined;
        assert(alice && bob, 'This check needs the two users of the previous check: make that one pass first.');
        const noteA = `Alice's note ${ctx.random()}`;
        const noteB = `Bob's note ${ctx.random()}`;
        for (const [who, text] of [[alice, noteA], [bob, noteB]] as const) {
          const r = await call(ctx, 'POST', '/notes', { token: who.idToken, body: { text }, who: who.name });
          assert(r.status === 201 || r.status === 200, `POST /notes as ${who.name} should add the note.${why(r.status)}`, { expected: '201 Created', found: `${r.status} ${r.text.slice(0, 300)}` });
        }
        const a = await call(ctx, 'GET', '/notes', { token: alice.idToken, who: alice.name });
        const b = await call(ctx, 'GET', '/notes', { token: bob.idToken, who: bob.name });
        for (const [who, r] of [[alice, a], [bob, b]] as const) {
          assert(r.status === 200, `GET /notes as ${who.name} should answer 200 with their notes.${why(r.status)}`, { expected: 200, found: `${r.status} ${r.text.slice(0, 300)}` });
        }
        assert(a.text.includes(noteA), 'Alice does not get the note she just added.', { expected: `a list with "${noteA}"`, found: a.body });
        assert(b.text.includes(noteB), 'Bob does not get the note he just added.', { expected: `a list with "${noteB}"`, found: b.body });
        assert(!a.text.includes(noteB) && !b.text.includes(noteA), "A user gets someone else's note: every user must see only their own.", {
          found: { alice: a.body, bob: b.body },
        });
      },
    },
    {
      id: 'per-user-keys',
      title: "Each note is stored in the stack's bucket under notes/<the user's sub>/",
      points: 1,
      hint: 'The POST function writes s3://<bucket>/notes/<sub>/<id>.json, with the sub from the token\'s claims; the GET function lists that prefix. The bucket is the stack\'s own (BUCKET: !Ref NotesBucket).',
      async run(ctx) {
        const alice = ctx.shared.alice as SignedIn | undefined;
        assert(alice, 'This check needs the users of the sign-up check: make that one pass first.');
        const bucket = await bucketOf(ctx);
        const listed = await ctx.client(S3Client).send(new ListObjectsV2Command({ Bucket: bucket, Prefix: `notes/${alice.sub}/` }));
        const keys = (listed.Contents ?? []).map((o) => o.Key!);
        const sample = (await ctx.client(S3Client).send(new ListObjectsV2Command({ Bucket: bucket, MaxKeys: 10 }))).Contents?.map((o) => o.Key) ?? [];
        assert(keys.length > 0, `Alice's note is not in the bucket under notes/${alice.sub}/.`, { expected: `notes/${alice.sub}/<id>.json`, found: sample.length ? sample : 'an empty bucket' });
      },
    },
    {
      id: 'own-roles',
      title: 'Each function runs with a role of its own, made by the stack',
      points: 1,
      hint: 'Two AWS::IAM::Role resources, one per function (Role: !GetAtt ListNotesRole.Arn and !GetAtt AddNoteRole.Arn): a shared role would give each function the other\'s permissions.',
      async run(ctx) {
        const fns = await functions(ctx);
        const list = await roleOf(ctx, fns.list);
        const add = await roleOf(ctx, fns.add);
        assert(list !== add, 'Both functions run with the same role.', { expected: 'two different roles', found: list });
        const stackRoles = (await resources(ctx)).filter((r) => r.ResourceType === 'AWS::IAM::Role').map((r) => r.PhysicalResourceId);
        for (const [fn, arn] of [[fns.list, list], [fns.add, add]]) {
          assert(stackRoles.includes(arn.split('/').pop()), `${fn}'s role is not one of the stack's roles.`, { expected: stackRoles, found: arn });
        }
      },
    },
    {
      id: 'list-role',
      title: 'The GET function may list and read notes, and nothing else',
      points: 2,
      hint: 'Its role: s3:ListBucket on the bucket (!GetAtt NotesBucket.Arn, best with a Condition StringLike s3:prefix notes/*) and s3:GetObject on !Sub ${NotesBucket.Arn}/notes/*. No s3:*, no Resource "*", no PutObject or DeleteObject.',
      async run(ctx) {
        const fn = await functionFor(ctx, 'GET /notes');
        const other = await otherFunction(ctx, 'POST /notes', 'AddNoteFunction');
        const bucket = await bucketOf(ctx);
        const arn = `arn:aws:s3:::${bucket}`;
        const sub = ctx.random('sub-');
        await leastPrivilege(
          ctx,
          fn,
          [
            { action: 's3:ListBucket', resource: arn, context: prefixContext(`notes/${sub}/`), why: 'to list the caller\'s notes' },
            { action: 's3:GetObject', resource: `${arn}/notes/${sub}/${ctx.random()}.json`, why: 'to read a note' },
          ],
          [
            { action: 's3:PutObject', resource: `${arn}/notes/${sub}/${ctx.random()}.json`, why: 'writing is the POST function\'s job' },
            { action: 's3:DeleteObject', resource: `${arn}/notes/${sub}/${ctx.random()}.json`, why: 'nothing deletes notes' },
            { action: 's3:GetObject', resource: `${arn}/${ctx.random('config-')}/settings.json`, why: 'only notes/ is its business' },
            { action: 's3:GetObject', resource: `arn:aws:s3:::${ctx.random('another-bucket-')}/notes/${sub}/n.json`, why: 'another bucket' },
            { action: 's3:DeleteBucket', resource: arn, why: 'a bucket-wide action' },
            { action: 's3:PutBucketPolicy', resource: arn, why: 'a bucket-wide action' },
            { action: 'lambda:InvokeFunction', resource: `arn:aws:lambda:${ctx.region}:${ctx.accountId}:function:${other}`, why: 'the other function' },
          ],
        );
      },
    },
    {
      id: 'add-role',
      title: 'The POST function may write notes, and nothing else',
      points: 2,
      hint: 'Its role: s3:PutObject on !Sub ${NotesBucket.Arn}/notes/* and nothing more (plus the log permissions of AWSLambdaBasicExecutionRole). No GetObject, no DeleteObject, no s3:*.',
      async run(ctx) {
        const fn = await functionFor(ctx, 'POST /notes');
        const other = await otherFunction(ctx, 'GET /notes', 'ListNotesFunction');
        const bucket = await bucketOf(ctx);
        const arn = `arn:aws:s3:::${bucket}`;
        const sub = ctx.random('sub-');
        await leastPrivilege(
          ctx,
          fn,
          [{ action: 's3:PutObject', resource: `${arn}/notes/${sub}/${ctx.random()}.json`, why: 'to store a note' }],
          [
            { action: 's3:GetObject', resource: `${arn}/notes/${sub}/${ctx.random()}.json`, why: 'reading is the GET function\'s job' },
            { action: 's3:ListBucket', resource: arn, context: prefixContext(`notes/${sub}/`), why: 'listing is the GET function\'s job' },
            { action: 's3:DeleteObject', resource: `${arn}/notes/${sub}/${ctx.random()}.json`, why: 'nothing deletes notes' },
            { action: 's3:PutObject', resource: `${arn}/${ctx.random('site-')}/index.html`, why: 'only notes/ is its business' },
            { action: 's3:PutObject', resource: `arn:aws:s3:::${ctx.random('another-bucket-')}/notes/${sub}/n.json`, why: 'another bucket' },
            { action: 's3:DeleteBucket', resource: arn, why: 'a bucket-wide action' },
            { action: 's3:PutBucketPolicy', resource: arn, why: 'a bucket-wide action' },
            { action: 'lambda:InvokeFunction', resource: `arn:aws:lambda:${ctx.region}:${ctx.accountId}:function:${other}`, why: 'the other function' },
          ],
        );
      },
    },
  ],
  // The checker's users and their notes go; the learner's own stay.
  async afterChecks(ctx) {
    const users = (ctx.shared.users as string[] | undefined) ?? [];
    const all = ctx.shared.resources as StackResource[] | undefined;
    const poolId = all?.find((r) => r.ResourceType === 'AWS::Cognito::UserPool')?.PhysicalResourceId;
    const bucket = all?.find((r) => r.ResourceType === 'AWS::S3::Bucket')?.PhysicalResourceId;
    const idp = ctx.client(CognitoIdentityProviderClient);
    const s3 = ctx.client(S3Client);
    for (const who of ['alice', 'bob']) {
      const u = ctx.shared[who] as SignedIn | undefined;
      if (u && bucket) await emptyPrefix(s3, bucket, `notes/${u.sub}/`).catch(() => undefined);
    }
    if (poolId) for (const Username of users) await idp.send(new AdminDeleteUserCommand({ UserPoolId: poolId, Username })).catch(() => undefined);
  },
  async cleanup(ctx) {
    // CloudFormation cannot delete a bucket that still holds objects: empty it first.
    const all = await stackResources(ctx);
    const bucket = all.find((r) => r.ResourceType === 'AWS::S3::Bucket')?.PhysicalResourceId;
    if (bucket) await emptyPrefix(ctx.client(S3Client), bucket, '').catch(() => undefined);
    const cfn = ctx.client(CloudFormationClient);
    await cfn.send(new DeleteStackCommand({ StackName: STACK })).catch(() => undefined);
    await eventually(async () => {
      const s = await cfn.send(new DescribeStacksCommand({ StackName: STACK })).catch(() => undefined);
      return !s?.Stacks?.length || /^DELETE_(COMPLETE|FAILED)$/.test(s.Stacks[0].StackStatus ?? '');
    }, 120_000, 500);
  },
});

async function emptyPrefix(s3: S3Client, bucket: string, prefix: string): Promise<void> {
  for (;;) {
    const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix }));
    const keys = (page.Contents ?? []).map((o) => ({ Key: o.Key! }));
    if (!keys.length) return;
    await s3.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: keys } }));
    if (!page.IsTruncated) return;
  }
}
