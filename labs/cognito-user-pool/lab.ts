import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  AdminConfirmSignUpCommand,
  AdminDeleteUserCommand,
  AdminGetUserCommand,
  CognitoIdentityProviderClient,
  ConfirmSignUpCommand,
  CreateUserPoolClientCommand,
  DeleteUserPoolClientCommand,
  DeleteUserPoolCommand,
  DescribeUserPoolClientCommand,
  DescribeUserPoolCommand,
  ListUserPoolClientsCommand,
  ListUserPoolsCommand,
  SignUpCommand,
  type UserPoolClientType,
  type UserPoolType,
} from '@aws-sdk/client-cognito-identity-provider';
import { AuthenticationDetails, CognitoUser, CognitoUserPool } from 'amazon-cognito-identity-js';
import { createRemoteJWKSet, jwtVerify, type JWTPayload } from 'jose';
import { assert, defineLab, eventually, runScript, type CheckContext } from 'awslings/labkit';

const POOL = 'awslings-users';
const CLIENT = 'web';

interface Tokens {
  id: string;
  access: string;
}

const cognito = (ctx: CheckContext) => ctx.client(CognitoIdentityProviderClient);

/** The learner's pool, found by its name (and, when deploy.ts wrote pool.json, by its id). */
async function pool(ctx: CheckContext): Promise<UserPoolType> {
  if (ctx.shared.pool) return ctx.shared.pool as UserPoolType;
  const named = [];
  let NextToken: string | undefined;
  do {
    const page = await cognito(ctx).send(new ListUserPoolsCommand({ MaxResults: 60, NextToken }));
    named.push(...(page.UserPools ?? []).filter((p) => p.Name === POOL));
    NextToken = page.NextToken;
  } while (NextToken);
  if (!named.length) ctx.fail(`There is no user pool named ${POOL}.`, { expected: POOL, found: 'no such pool' });
  const written = readJson<{ userPoolId?: string }>(ctx, 'pool.json')?.userPoolId;
  const chosen = named.find((p) => p.Id === written) ?? named.at(-1)!;
  const described = (await cognito(ctx).send(new DescribeUserPoolCommand({ UserPoolId: chosen.Id }))).UserPool!;
  ctx.shared.pool = described;
  return described;
}

async function client(ctx: CheckContext): Promise<UserPoolClientType> {
  if (ctx.shared.client) return ctx.shared.client as UserPoolClientType;
  const p = await pool(ctx);
  const found = (await cognito(ctx).send(new ListUserPoolClientsCommand({ UserPoolId: p.Id, MaxResults: 60 }))).UserPoolClients?.find((c) => c.ClientName === CLIENT);
  if (!found) ctx.fail(`The pool ${POOL} has no app client named ${CLIENT}.`);
  const described = (await cognito(ctx).send(new DescribeUserPoolClientCommand({ UserPoolId: p.Id, ClientId: found.ClientId }))).UserPoolClient!;
  ctx.shared.client = described;
  return described;
}

function readJson<T>(ctx: CheckContext, file: string): T | undefined {
  const path = join(ctx.workspace, file);
  if (!existsSync(path)) return undefined;
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as T;
  } catch {
    ctx.fail(`${file} is not valid JSON.`);
  }
}

/** Refuses to go on with a client the checker cannot use as an app would. */
async function publicClient(ctx: CheckContext): Promise<{ poolId: string; clientId: string }> {
  const p = await pool(ctx);
  const c = await client(ctx);
  if (c.ClientSecret) ctx.fail(`The app client ${CLIENT} has a secret, so an app in a browser cannot use it (every call would need a SECRET_HASH). Fix the client first.`);
  return { poolId: p.Id!, clientId: c.ClientId! };
}

/** The pool's issuer: under the sandbox's endpoint, or AWS's URL. */
const issuerOf = (ctx: CheckContext, poolId: string) => (ctx.target.endpoint ? `${ctx.target.endpoint}/${poolId}` : `https://cognito-idp.${ctx.region}.amazonaws.com/${poolId}`);

/** Signs in with SRP through amazon-cognito-identity-js, as the learner's app does. */
function srpSignIn(ctx: CheckContext, poolId: string, clientId: string, username: string, password: string): Promise<Tokens> {
  const userPool = new CognitoUserPool({ UserPoolId: poolId, ClientId: clientId, endpoint: ctx.target.endpoint });
  const user = new CognitoUser({ Username: username, Pool: userPool });
  return new Promise((resolve, reject) =>
    user.authenticateUser(new AuthenticationDetails({ Username: username, Password: password }), {
      onSuccess: (s) => resolve({ id: s.getIdToken().getJwtToken(), access: s.getAccessToken().getJwtToken() }),
      // The library's errors are plain objects: turn them into the learner's failure, with Cognito's words.
      onFailure: (e: { code?: string; message?: string }) => reject(new SignInError(`${e.code ?? 'Error'}: ${e.message ?? e}`)),
      newPasswordRequired: () => reject(new SignInError('NEW_PASSWORD_REQUIRED: the user must choose a new password first')),
      mfaRequired: () => reject(new SignInError('SMS_MFA: the pool asks for a second factor')),
      totpRequired: () => reject(new SignInError('SOFTWARE_TOKEN_MFA: the pool asks for a second factor')),
    }),
  );
}

class SignInError extends Error {}

async function signIn(ctx: CheckContext, poolId: string, clientId: string, username: string, password: string, who: string): Promise<Tokens> {
  try {
    return await srpSignIn(ctx, poolId, clientId, username, password);
  } catch (e) {
    if (e instanceof SignInError) ctx.fail(`The SRP sign-in of ${who} failed.`, { found: e.message });
    throw e;
  }
}

async function verifyAsBackEnd(ctx: CheckContext, token: string, poolId: string, clientId: string): Promise<JWTPayload> {
  const issuer = issuerOf(ctx, poolId);
  const keys = createRemoteJWKSet(new URL(`${issuer}/.well-known/jwks.json`));
  const { payload } = await jwtVerify(token, keys, { issuer, audience: clientId }).catch((e: Error) => ctx.fail('The pool issued an ID token that does not verify against its JWKS.', { found: e.message }));
  return payload;
}

/** A password the policy of this lab accepts, different every time. */
const strongPassword = (ctx: CheckContext) => `${ctx.random('Pw-')}${ctx.random('!Zz9')}`;

/** Runs the learner's verify.ts on one token: true when it accepts it (exit code 0). */
async function learnerAccepts(ctx: CheckContext, token: string): Promise<{ accepted: boolean; output: string }> {
  const r = await runScript('verify.ts', { cwd: ctx.workspace, env: ctx.env(), timeoutMs: 15_000, args: [token] });
  if (r.status === 'timeout') ctx.fail('verify.ts did not finish within 15 s.', { found: r.output.slice(-500) });
  if (r.exitCode === null && r.status === 'failed') ctx.fail('verify.ts could not run.', { found: r.output.slice(-800) });
  return { accepted: r.status === 'ok', output: r.output.trim().slice(-400) };
}

/** A token with its payload changed and its signature kept: what a forger can make. */
function tampered(token: string): string {
  const [h, p, s] = token.split('.');
  const claims = JSON.parse(Buffer.from(p, 'base64url').toString()) as Record<string, unknown>;
  claims['cognito:username'] = 'admin';
  claims.email = 'admin@example.com';
  return `${h}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${s}`;
}

/** Users and clients the checks made for themselves, deleted afterwards. */
function remember(ctx: CheckContext, kind: 'users' | 'clients', value: string): void {
  ((ctx.shared[`made-${kind}`] ??= []) as string[]).push(value);
}

export default defineLab({
  id: 'cognito-user-pool',
  title: 'A user pool: sign-up, confirmation, SRP sign-in and a verified ID token',
  module: '07-cognito-user-pools',
  objectives: [
    'Create a user pool whose password policy requires 12 characters and symbols',
    'Create an app client with no secret that signs users in with SRP',
    'Sign a user up, confirm them with the emailed code, and sign them in with SRP',
    'Verify an ID token\'s signature against the pool\'s JWKS, and its claims',
  ],
  minutes: 40,
  services: ['cognito-idp'],
  files: ['deploy.ts', 'learner.json', 'app.ts', 'verify.ts'],
  async deploy(ctx) {
    // The administrator's part, then the app's part, each in its own process.
    for (const file of ['deploy.ts', 'app.ts']) {
      const r = await ctx.runScript(file);
      if (r.status !== 'ok') throw new Error(`${file} ${r.status === 'timeout' ? 'timed out' : 'failed'}; its output is above.`);
    }
  },
  checks: [
    {
      id: 'password-policy',
      title: `${POOL} requires passwords of at least 12 characters, with symbols`,
      points: 2,
      hint: 'In deploy.ts: Policies: { PasswordPolicy: { MinimumLength: 12, RequireSymbols: true, ... } } in CreateUserPool and UpdateUserPool.',
      async run(ctx: CheckContext) {
        const policy = (await pool(ctx)).Policies?.PasswordPolicy ?? {};
        const found = { MinimumLength: policy.MinimumLength, RequireSymbols: policy.RequireSymbols };
        assert((policy.MinimumLength ?? 0) >= 12 && policy.RequireSymbols === true, `${POOL}'s password policy is too weak.`, { expected: { MinimumLength: '12 or more', RequireSymbols: true }, found });
      },
    },
    {
      id: 'app-client',
      title: `The app client ${CLIENT} has no secret and signs users in with SRP, not with plain passwords`,
      points: 2,
      hint: 'A client secret cannot change: create the client with GenerateSecret: false (deploy.ts makes it again when that changes). ExplicitAuthFlows: ["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"], and not ALLOW_USER_PASSWORD_AUTH, which sends the password itself.',
      async run(ctx: CheckContext) {
        const c = await client(ctx);
        const flows = c.ExplicitAuthFlows ?? [];
        assert(!c.ClientSecret, `${CLIENT} has a client secret: an app in a browser or on a phone cannot keep one.`, { expected: 'no ClientSecret', found: 'a ClientSecret' });
        assert(flows.includes('ALLOW_USER_SRP_AUTH'), `${CLIENT} does not allow SRP sign-in.`, { expected: 'ALLOW_USER_SRP_AUTH among ExplicitAuthFlows', found: flows });
        assert(!flows.includes('ALLOW_USER_PASSWORD_AUTH'), `${CLIENT} also allows USER_PASSWORD_AUTH, which sends the password to Cognito; with SRP it never leaves the device.`, {
          expected: 'no ALLOW_USER_PASSWORD_AUTH',
          found: flows,
        });
      },
    },
    {
      id: 'weak-password-refused',
      title: 'Signing up with a weak password is refused',
      points: 1,
      hint: 'The checker signs up with an 11-character password, and with a long one without symbols: both must fail with InvalidPasswordException. Look at MinimumLength and RequireSymbols.',
      async run(ctx: CheckContext) {
        const { clientId } = await publicClient(ctx);
        const tries = {
          '11 characters, every kind': `Aa1!${ctx.random('').slice(0, 7)}`,
          '19 characters, no symbol': `Aa1${ctx.random('')}${ctx.random('')}`,
        };
        const accepted: string[] = [];
        for (const [what, password] of Object.entries(tries)) {
          const username = ctx.random('weak-');
          const r = await cognito(ctx)
            .send(new SignUpCommand({ ClientId: clientId, Username: username, Password: password, UserAttributes: [{ Name: 'email', Value: `${username}@example.com` }] }))
            .then(
              () => 'accepted',
              (e: Error) => e.name,
            );
          if (r === 'accepted') {
            remember(ctx, 'users', username);
            accepted.push(what);
          } else if (r !== 'InvalidPasswordException') ctx.fail(`SignUp failed, but not because of the password (${r}).`, { expected: 'InvalidPasswordException', found: r });
        }
        assert(accepted.length === 0, 'The pool accepted weak passwords.', { expected: 'InvalidPasswordException for each', found: accepted });
      },
    },
    {
      id: 'learner-confirmed',
      title: 'Your user (learner.json) has signed up and confirmed their email with the code',
      points: 2,
      hint: 'app.ts signs the user of learner.json up (its password must satisfy the policy), reads the code from the sandbox outbox (GET $AWS_ENDPOINT_URL/_awslings/outbox?to=<email>) and calls confirmRegistration(code). Run: npx awslings deploy cognito-user-pool, and read its output.',
      async run(ctx: CheckContext) {
        const me = readJson<{ username?: string }>(ctx, 'learner.json');
        if (!me?.username) ctx.fail('learner.json has no username.');
        const p = await pool(ctx);
        const user = await cognito(ctx)
          .send(new AdminGetUserCommand({ UserPoolId: p.Id, Username: me.username }))
          .catch((e: Error) => ctx.fail(`There is no user ${me.username} in ${POOL}: has app.ts signed them up?`, { found: e.name }));
        const verified = user.UserAttributes?.find((a) => a.Name === 'email_verified')?.Value;
        assert(user.UserStatus === 'CONFIRMED', `${me.username} has not confirmed their sign-up.`, { expected: 'CONFIRMED', found: user.UserStatus });
        assert(verified === 'true', `${me.username} is confirmed, but not with the code sent to their email (email_verified is not true).`, { expected: 'email_verified: true', found: verified ?? 'not set' });
      },
    },
    {
      id: 'learner-signs-in',
      title: 'The checker signs in as your user, with SRP and the password in learner.json',
      points: 2,
      timeoutMs: 20_000,
      hint: 'learner.json\'s password must be the one the user signed up with. If you changed it afterwards, delete the user (aws cognito-idp admin-delete-user --user-pool-id <id> --username <name>) and deploy again.',
      async run(ctx: CheckContext) {
        const me = readJson<{ username?: string; password?: string }>(ctx, 'learner.json');
        if (!me?.username || !me.password) ctx.fail('learner.json needs a username and a password.');
        const { poolId, clientId } = await publicClient(ctx);
        const tokens = await signIn(ctx, poolId, clientId, me.username, me.password, me.username);
        const claims = await verifyAsBackEnd(ctx, tokens.id, poolId, clientId);
        ctx.log(`signed in as ${String(claims['cognito:username'])}`);
        assert(String(claims['cognito:username']).toLowerCase() === me.username.toLowerCase(), 'The ID token is for another user.', { expected: me.username, found: claims['cognito:username'] });
      },
    },
    {
      id: 'new-user-end-to-end',
      title: 'A new user signs up, confirms with the emailed code, and signs in with SRP',
      points: 2,
      timeoutMs: 25_000,
      hint: 'The pool must mail a code on sign-up: AutoVerifiedAttributes: ["email"]. The client must allow ALLOW_USER_SRP_AUTH and have no secret.',
      async run(ctx: CheckContext) {
        const { poolId, clientId } = await publicClient(ctx);
        const username = ctx.random('newcomer-');
        const email = `${username}@example.com`;
        const password = strongPassword(ctx);
        const idp = cognito(ctx);
        const up = await idp.send(new SignUpCommand({ ClientId: clientId, Username: username, Password: password, UserAttributes: [{ Name: 'email', Value: email }] }));
        remember(ctx, 'users', username);
        assert(!up.UserConfirmed, 'The new user was confirmed without a code (a pre sign-up trigger?): the pool should ask for the code.');
        if (ctx.target.isAwslings) {
          assert(up.CodeDeliveryDetails?.DeliveryMedium === 'EMAIL', 'SignUp sent no code by email.', { expected: { DeliveryMedium: 'EMAIL' }, found: up.CodeDeliveryDetails ?? 'no CodeDeliveryDetails' });
          const code = await eventually(async () => (await ctx.outbox({ to: email })).find((m) => m.code)?.code, 5_000);
          if (!code) ctx.fail(`No code for ${email} arrived in the outbox.`);
          await idp.send(new ConfirmSignUpCommand({ ClientId: clientId, Username: username, ConfirmationCode: code }));
        } else {
          // Real mail cannot be read by a checker: confirm as the administrator.
          await idp.send(new AdminConfirmSignUpCommand({ UserPoolId: poolId, Username: username }));
        }
        const tokens = await signIn(ctx, poolId, clientId, username, password, `the new user ${username}`);
        const claims = await verifyAsBackEnd(ctx, tokens.id, poolId, clientId);
        assert(claims['cognito:username'] === username && claims.email === email, 'The ID token does not describe the new user.', { expected: { 'cognito:username': username, email }, found: claims });
        ctx.shared.tokens = tokens;
        ctx.shared.newcomer = { username, password };
      },
    },
    {
      id: 'verify-token',
      title: 'verify.ts accepts a genuine ID token, and refuses a forged one, an access token, and one for another app',
      points: 3,
      timeoutMs: 60_000,
      hint: 'In verify.ts: createRemoteJWKSet(new URL(`${issuer}/.well-known/jwks.json`)), then jwtVerify(token, keys, { issuer, audience: clientId }), and refuse a token whose token_use is not "id". Decoding the token is not verifying it.',
      async run(ctx: CheckContext) {
        const tokens = ctx.shared.tokens as Tokens | undefined;
        const newcomer = ctx.shared.newcomer as { username: string; password: string } | undefined;
        if (!tokens || !newcomer) ctx.fail('This check needs the tokens of the previous check\'s new user: make that one pass first.');
        const { poolId } = await publicClient(ctx);
        // An ID token of the same pool and user, issued to another app client: its audience is not yours.
        const other = await cognito(ctx).send(new CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: ctx.random('checker-'), ExplicitAuthFlows: ['ALLOW_USER_SRP_AUTH'] }));
        remember(ctx, 'clients', other.UserPoolClient!.ClientId!);
        const foreign = await signIn(ctx, poolId, other.UserPoolClient!.ClientId!, newcomer.username, newcomer.password, 'the new user, through another client');

        const genuine = await learnerAccepts(ctx, tokens.id);
        ctx.log(`genuine ID token: ${genuine.output}`);
        assert(genuine.accepted, 'verify.ts refused a genuine ID token of your pool and client.', { expected: 'exit code 0', found: genuine.output });
        const wrong = {
          'a forged ID token (claims changed, signature kept)': tampered(tokens.id),
          'an access token': tokens.access,
          'an ID token issued to another app client': foreign.id,
        };
        const fooled: Record<string, string> = {};
        for (const [what, token] of Object.entries(wrong)) {
          const r = await learnerAccepts(ctx, token);
          ctx.log(`${what}: ${r.output}`);
          if (r.accepted) fooled[what] = r.output;
        }
        assert(Object.keys(fooled).length === 0, 'verify.ts accepted tokens it must refuse.', { expected: 'a non-zero exit code for each', found: fooled });
      },
    },
  ],
  async afterChecks(ctx) {
    const poolId = (ctx.shared.pool as UserPoolType | undefined)?.Id;
    if (!poolId) return;
    const idp = cognito(ctx);
    for (const username of (ctx.shared['made-users'] as string[] | undefined) ?? []) await idp.send(new AdminDeleteUserCommand({ UserPoolId: poolId, Username: username })).catch(() => undefined);
    for (const clientId of (ctx.shared['made-clients'] as string[] | undefined) ?? []) await idp.send(new DeleteUserPoolClientCommand({ UserPoolId: poolId, ClientId: clientId })).catch(() => undefined);
  },
  async cleanup(ctx) {
    const idp = cognito(ctx);
    const pools = (await idp.send(new ListUserPoolsCommand({ MaxResults: 60 }))).UserPools ?? [];
    for (const p of pools.filter((x) => x.Name === POOL)) await idp.send(new DeleteUserPoolCommand({ UserPoolId: p.Id })).catch(() => undefined);
  },
});
