import {
  AdminCreateUserCommand,
  AdminDeleteUserCommand,
  AdminSetUserPasswordCommand,
  CognitoIdentityProviderClient,
  DeleteUserPoolCommand,
  ListUserPoolClientsCommand,
  ListUserPoolsCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import {
  CognitoIdentityClient,
  DeleteIdentityPoolCommand,
  DescribeIdentityPoolCommand,
  GetCredentialsForIdentityCommand,
  GetIdCommand,
  GetIdentityPoolRolesCommand,
  ListIdentityPoolsCommand,
  type Credentials,
  type IdentityPool,
} from '@aws-sdk/client-cognito-identity';
import { GetRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { DeleteFunctionCommand, GetFunctionConfigurationCommand, InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { AuthenticationDetails, CognitoUser, CognitoUserPool } from 'amazon-cognito-identity-js';
import { assert, decodePayload, defineLab, deleteRoleCompletely, type CheckContext } from 'awslings/labkit';

const USER_POOL = 'awslings-reports-users';
const APP_CLIENT = 'reports-app';
const IDENTITY_POOL = 'awslings_reports';
const ROLE = 'awslings-reports-reader';
const FUNCTION_ROLE = 'awslings-reports-fn';
const ALLOWED = 'reports-daily';
const FORBIDDEN = 'payroll-admin';
const COGNITO = 'cognito-identity.amazonaws.com';

interface Found {
  userPoolId: string;
  clientId: string;
  provider: string;
  pool: IdentityPool;
}

/** The user pool, its app client and the identity pool, by the names the README gives. */
async function found(ctx: CheckContext): Promise<Found> {
  if (ctx.shared.found) return ctx.shared.found as Found;
  const idp = ctx.client(CognitoIdentityProviderClient);
  const userPoolId = (await idp.send(new ListUserPoolsCommand({ MaxResults: 60 }))).UserPools?.find((p) => p.Name === USER_POOL)?.Id;
  if (!userPoolId) ctx.fail(`There is no user pool named ${USER_POOL}: run npx awslings deploy cognito-identity-pool.`);
  const clientId = (await idp.send(new ListUserPoolClientsCommand({ UserPoolId: userPoolId, MaxResults: 60 }))).UserPoolClients?.find((c) => c.ClientName === APP_CLIENT)?.ClientId;
  if (!clientId) ctx.fail(`${USER_POOL} has no app client named ${APP_CLIENT}.`);
  const ci = ctx.client(CognitoIdentityClient);
  const id = (await ci.send(new ListIdentityPoolsCommand({ MaxResults: 60 }))).IdentityPools?.find((p) => p.IdentityPoolName === IDENTITY_POOL)?.IdentityPoolId;
  if (!id) ctx.fail(`There is no identity pool named ${IDENTITY_POOL}.`);
  const pool = await ci.send(new DescribeIdentityPoolCommand({ IdentityPoolId: id }));
  const f = { userPoolId, clientId, provider: `cognito-idp.${ctx.region}.amazonaws.com/${userPoolId}`, pool };
  ctx.shared.found = f;
  return f;
}

interface Statement {
  Effect?: string;
  Principal?: '*' | Record<string, string | string[]>;
  Action?: string | string[];
  Condition?: Record<string, Record<string, string | string[]>>;
}

/** An unsigned client, as an app without AWS credentials has (GetId and GetCredentialsForIdentity need none). */
const appClient = (ctx: CheckContext) => ctx.client(CognitoIdentityClient, { credentials: { accessKeyId: 'none', secretAccessKey: 'none' } });

/** A new user of the user pool, signed in with SRP, and their identity pool credentials. */
async function freshCredentials(ctx: CheckContext): Promise<Credentials> {
  if (ctx.shared.credentials) return ctx.shared.credentials as Credentials;
  const f = await found(ctx);
  const idp = ctx.client(CognitoIdentityProviderClient);
  const username = ctx.random('analyst-');
  const password = `${ctx.random('Rp-')}${ctx.random('!Q7')}`;
  await idp.send(new AdminCreateUserCommand({ UserPoolId: f.userPoolId, Username: username, MessageAction: 'SUPPRESS' }));
  ((ctx.shared.users ??= []) as string[]).push(username);
  await idp.send(new AdminSetUserPasswordCommand({ UserPoolId: f.userPoolId, Username: username, Password: password, Permanent: true }));
  const userPool = new CognitoUserPool({ UserPoolId: f.userPoolId, ClientId: f.clientId, endpoint: ctx.target.endpoint });
  const idToken = await new Promise<string>((resolve, reject) =>
    new CognitoUser({ Username: username, Pool: userPool }).authenticateUser(new AuthenticationDetails({ Username: username, Password: password }), {
      onSuccess: (s) => resolve(s.getIdToken().getJwtToken()),
      onFailure: reject,
    }),
  ).catch((e: { code?: string; message?: string }) =>
    ctx.fail(`The checker could not sign a new user in to ${USER_POOL} with SRP (deploy.ts makes ${APP_CLIENT} allow it: was that changed?).`, { found: `${e.code}: ${e.message}` }),
  );
  const logins = { [f.provider]: idToken };
  const app = appClient(ctx);
  const { IdentityId } = await app.send(new GetIdCommand({ IdentityPoolId: f.pool.IdentityPoolId, Logins: logins })).catch((e: Error) =>
    ctx.fail(`GetId refused the new user's ID token: does ${IDENTITY_POOL} trust ${USER_POOL} through ${APP_CLIENT}?`, { found: `${e.name}: ${e.message}` }),
  );
  const res = await app.send(new GetCredentialsForIdentityCommand({ IdentityId, Logins: logins })).catch((e: Error) =>
    ctx.fail('GetCredentialsForIdentity refused the new user\'s identity: is the role attached, and does its trust policy let this pool\'s authenticated identities in?', { found: `${e.name}: ${e.message}` }),
  );
  ctx.shared.credentials = res.Credentials;
  return res.Credentials!;
}

const asIdentity = (ctx: CheckContext, c: Credentials) => ctx.client(LambdaClient, { credentials: { accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretKey!, sessionToken: c.SessionToken } });

const denied = async (p: Promise<unknown>): Promise<string | undefined> =>
  p.then(
    () => undefined,
    (e: { name?: string }) => (/AccessDenied/.test(e.name ?? '') ? e.name : `failed otherwise (${e.name})`),
  );

export default defineLab({
  id: 'cognito-identity-pool',
  title: 'An identity pool: from a sign-in to scoped AWS credentials',
  module: '08-cognito-identity-pools',
  objectives: [
    'Link an identity pool to a user pool app client, with guest access off',
    'Write the trust policy of an authenticated role: the aud and amr conditions',
    'Give that role the one permission the app needs, and attach it to the pool',
    'Exchange an ID token for credentials (GetId, GetCredentialsForIdentity) and use them',
  ],
  minutes: 40,
  services: ['cognito-idp', 'cognito-identity', 'iam', 'sts', 'lambda'],
  files: ['deploy.ts', 'app.ts'],
  async deploy(ctx) {
    for (const file of ['deploy.ts', 'app.ts']) {
      const r = await ctx.runScript(file);
      if (r.status !== 'ok') throw new Error(`${file} ${r.status === 'timeout' ? 'timed out' : 'failed'}; its output is above.`);
    }
  },
  checks: [
    {
      id: 'trusts-user-pool',
      title: `${IDENTITY_POOL} trusts the user pool ${USER_POOL} through its app client ${APP_CLIENT}`,
      points: 1,
      hint: 'CognitoIdentityProviders: [{ ProviderName: "cognito-idp.<region>.amazonaws.com/<user pool id>", ClientId: <the app client id> }] in CreateIdentityPool and UpdateIdentityPool.',
      async run(ctx: CheckContext) {
        const f = await found(ctx);
        const providers = f.pool.CognitoIdentityProviders ?? [];
        assert(
          providers.some((p) => p.ProviderName === f.provider && p.ClientId === f.clientId),
          `${IDENTITY_POOL} does not trust ${USER_POOL}'s client ${APP_CLIENT}.`,
          { expected: { ProviderName: f.provider, ClientId: f.clientId }, found: providers },
        );
      },
    },
    {
      id: 'guests-off',
      title: 'Guest (unauthenticated) access is off',
      points: 1,
      hint: 'AllowUnauthenticatedIdentities: false. Without a sign-in, GetId must then be refused.',
      async run(ctx: CheckContext) {
        const f = await found(ctx);
        assert(f.pool.AllowUnauthenticatedIdentities === false, `${IDENTITY_POOL} lets guests in.`, { expected: false, found: f.pool.AllowUnauthenticatedIdentities });
        const guest = await appClient(ctx)
          .send(new GetIdCommand({ IdentityPoolId: f.pool.IdentityPoolId }))
          .then(
            (r) => `an identity: ${r.IdentityId}`,
            (e: Error) => e.name,
          );
        assert(guest === 'NotAuthorizedException', 'GetId without a login was not refused.', { expected: 'NotAuthorizedException', found: guest });
      },
    },
    {
      id: 'trust-policy',
      title: `${ROLE} may be assumed only by this pool's authenticated identities`,
      points: 2,
      hint: `The trust statement: Principal { Federated: "${COGNITO}" }, Action "sts:AssumeRoleWithWebIdentity", and Condition { StringEquals: { "${COGNITO}:aud": <identity pool id> }, "ForAnyValue:StringLike": { "${COGNITO}:amr": "authenticated" } }.`,
      async run(ctx: CheckContext) {
        const f = await found(ctx);
        const role = await ctx.client(IAMClient).send(new GetRoleCommand({ RoleName: ROLE }));
        const doc = JSON.parse(decodeURIComponent(role.Role!.AssumeRolePolicyDocument!)) as { Statement: Statement | Statement[] };
        const allows = [doc.Statement].flat().filter((s) => s.Effect === 'Allow');
        assert(allows.length > 0, `${ROLE}'s trust policy allows nobody.`);
        const problems: string[] = [];
        for (const s of allows) {
          const federated = s.Principal === '*' ? ['*'] : [s.Principal?.Federated ?? []].flat();
          const actions = [s.Action ?? []].flat();
          if (federated.length !== 1 || federated[0] !== COGNITO || Object.keys(s.Principal ?? {}).length !== 1) problems.push(`the principal should be { Federated: "${COGNITO}" } only, not ${JSON.stringify(s.Principal)}`);
          if (actions.length !== 1 || actions[0] !== 'sts:AssumeRoleWithWebIdentity') problems.push(`the action should be sts:AssumeRoleWithWebIdentity, not ${JSON.stringify(s.Action)}`);
          const aud = [s.Condition?.StringEquals?.[`${COGNITO}:aud`] ?? []].flat();
          if (aud.length !== 1 || aud[0] !== f.pool.IdentityPoolId) problems.push(`StringEquals ${COGNITO}:aud should be exactly ${f.pool.IdentityPoolId}, found ${JSON.stringify(aud)}`);
          const amr = [s.Condition?.['ForAnyValue:StringLike']?.[`${COGNITO}:amr`] ?? []].flat();
          if (amr.length !== 1 || amr[0] !== 'authenticated') problems.push(`ForAnyValue:StringLike ${COGNITO}:amr should be "authenticated", found ${JSON.stringify(amr)}`);
        }
        assert(problems.length === 0, `${ROLE}'s trust policy is not tight enough: ${problems.join('; ')}.`, { found: allows });
      },
    },
    {
      id: 'role-attached',
      title: `${ROLE} is the pool's authenticated role`,
      points: 1,
      hint: 'SetIdentityPoolRolesCommand({ IdentityPoolId, Roles: { authenticated: <role ARN> } }). An identity pool never makes roles: you attach them.',
      async run(ctx: CheckContext) {
        const f = await found(ctx);
        const roles = await ctx.client(CognitoIdentityClient).send(new GetIdentityPoolRolesCommand({ IdentityPoolId: f.pool.IdentityPoolId }));
        const expected = `arn:aws:iam::${ctx.accountId}:role/${ROLE}`;
        assert(roles.Roles?.authenticated === expected, `${ROLE} is not ${IDENTITY_POOL}'s authenticated role.`, { expected: { authenticated: expected }, found: roles.Roles ?? {} });
      },
    },
    {
      id: 'invokes-allowed',
      title: `A signed-in user's credentials invoke ${ALLOWED}`,
      points: 2,
      timeoutMs: 30_000,
      hint: `The role's policy: Allow lambda:InvokeFunction on arn:aws:lambda:<region>:<account>:function:${ALLOWED}. If GetCredentialsForIdentity fails, look at the trust policy and the attached role first.`,
      async run(ctx: CheckContext) {
        const c = await freshCredentials(ctx);
        const r = await asIdentity(ctx, c)
          .send(new InvokeCommand({ FunctionName: ALLOWED }))
          .catch((e: Error) => ctx.fail(`The identity's credentials could not invoke ${ALLOWED}.`, { expected: 'a successful Invoke', found: `${e.name}: ${e.message}` }));
        ctx.log(`${ALLOWED} answered ${JSON.stringify(decodePayload(r.Payload))}`);
        assert(!r.FunctionError, `${ALLOWED} was invoked but failed.`, { found: decodePayload(r.Payload) });
      },
    },
    {
      id: 'denied-elsewhere',
      title: `The same credentials are denied on ${FORBIDDEN}, and cannot manage ${ALLOWED}`,
      points: 2,
      timeoutMs: 30_000,
      hint: `Name one action (lambda:InvokeFunction) and one resource (the ARN of ${ALLOWED}): not lambda:*, and not "Resource": "*".`,
      async run(ctx: CheckContext) {
        if (!ctx.shared.credentials && ctx.shared.users) ctx.fail('This check uses the credentials of the previous check, which could not get any: make that one pass first.');
        const c = await freshCredentials(ctx);
        const lambda = asIdentity(ctx, c);
        const tries = {
          [`Invoke ${FORBIDDEN}`]: await denied(lambda.send(new InvokeCommand({ FunctionName: FORBIDDEN }))),
          [`GetFunctionConfiguration ${ALLOWED}`]: await denied(lambda.send(new GetFunctionConfigurationCommand({ FunctionName: ALLOWED }))),
        };
        const allowed = Object.entries(tries).filter(([, r]) => r === undefined || !r.startsWith('AccessDenied')).map(([what, r]) => `${what}: ${r ?? 'allowed'}`);
        assert(allowed.length === 0, 'The identity may do more than invoke the one function.', { expected: 'AccessDeniedException for each', found: allowed });
      },
    },
  ],
  async afterChecks(ctx) {
    const f = ctx.shared.found as Found | undefined;
    for (const username of (ctx.shared.users as string[] | undefined) ?? []) {
      await ctx.client(CognitoIdentityProviderClient).send(new AdminDeleteUserCommand({ UserPoolId: f!.userPoolId, Username: username })).catch(() => undefined);
    }
  },
  async cleanup(ctx) {
    const ci = ctx.client(CognitoIdentityClient);
    for (const p of ((await ci.send(new ListIdentityPoolsCommand({ MaxResults: 60 }))).IdentityPools ?? []).filter((x) => x.IdentityPoolName === IDENTITY_POOL)) {
      await ci.send(new DeleteIdentityPoolCommand({ IdentityPoolId: p.IdentityPoolId })).catch(() => undefined);
    }
    const idp = ctx.client(CognitoIdentityProviderClient);
    for (const p of ((await idp.send(new ListUserPoolsCommand({ MaxResults: 60 }))).UserPools ?? []).filter((x) => x.Name === USER_POOL)) {
      await idp.send(new DeleteUserPoolCommand({ UserPoolId: p.Id })).catch(() => undefined);
    }
    const lambda = ctx.client(LambdaClient);
    for (const name of [ALLOWED, FORBIDDEN]) await lambda.send(new DeleteFunctionCommand({ FunctionName: name })).catch(() => undefined);
    await deleteRoleCompletely(ctx.client(IAMClient), ROLE);
    await deleteRoleCompletely(ctx.client(IAMClient), FUNCTION_ROLE);
  },
});
