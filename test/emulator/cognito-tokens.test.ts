import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as C from '@aws-sdk/client-cognito-identity-provider';
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { JwtRsaVerifier } from 'aws-jwt-verify';
import { SimpleJwksCache } from 'aws-jwt-verify/jwk';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator.js';

/**
 * Tokens are RS256 JWTs with Cognito's claims and lifetimes, signed with the pool's own key, whose
 * issuer is a URL the sandbox serves: third-party verifiers check them as they check AWS's.
 */
let emu: TestEmulator;
let idp: C.CognitoIdentityProviderClient;
let now = Date.now();
let poolId: string;
let clientId: string;
const PASSWORD = 'Tokens-are-fun-1';

/** aws-jwt-verify fetches JWKS over HTTPS only; this fetcher lets it read the sandbox's over HTTP. */
const httpFetcher = { fetch: async (uri: string) => (await fetch(uri)).arrayBuffer() };

async function signIn(username = 'lena', client = clientId) {
  const r = await idp.send(new C.InitiateAuthCommand({ ClientId: client, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: username, PASSWORD } }));
  return r.AuthenticationResult!;
}

beforeAll(async () => {
  emu = await startTestEmulator({ clock: { now: () => now } });
  idp = new C.CognitoIdentityProviderClient(emu.config());
  poolId = (await idp.send(new C.CreateUserPoolCommand({ PoolName: 'tokens' }))).UserPool!.Id!;
  clientId = (await idp.send(new C.CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: 'app', ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'] }))).UserPoolClient!
    .ClientId!;
  await idp.send(new C.AdminCreateUserCommand({ UserPoolId: poolId, Username: 'lena', UserAttributes: [{ Name: 'email', Value: 'lena@example.com' }, { Name: 'email_verified', Value: 'true' }], MessageAction: 'SUPPRESS' }));
  await idp.send(new C.AdminSetUserPasswordCommand({ UserPoolId: poolId, Username: 'lena', Password: PASSWORD, Permanent: true }));
});
afterAll(() => emu.close());

describe('tokens', () => {
  it('the issuer URL serves openid-configuration and a JWKS; tokens verify with jose', async () => {
    const issuer = `${emu.url}/${poolId}`;
    const config = (await (await fetch(`${issuer}/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
    expect(config).toMatchObject({ issuer, jwks_uri: `${issuer}/.well-known/jwks.json`, id_token_signing_alg_values_supported: ['RS256'], subject_types_supported: ['public'] });
    const jwks = (await (await fetch(config.jwks_uri as string)).json()) as { keys: Record<string, string>[] };
    expect(jwks.keys).toHaveLength(1);
    expect(Object.keys(jwks.keys[0]).sort()).toEqual(['alg', 'e', 'kid', 'kty', 'n', 'use']);

    const t = await signIn();
    expect(decodeProtectedHeader(t.IdToken!)).toEqual({ kid: jwks.keys[0].kid, alg: 'RS256' });
    const keys = createRemoteJWKSet(new URL(config.jwks_uri as string));
    const { payload: id } = await jwtVerify(t.IdToken!, keys, { issuer, audience: clientId, currentDate: new Date(now) });
    expect(Object.keys(id).sort()).toEqual(['aud', 'auth_time', 'cognito:username', 'email', 'email_verified', 'event_id', 'exp', 'iat', 'iss', 'jti', 'origin_jti', 'sub', 'token_use'].sort());
    expect(id).toMatchObject({ token_use: 'id', 'cognito:username': 'lena', email: 'lena@example.com', email_verified: true });
    expect(id.exp! - id.iat!).toBe(3600);

    const { payload: access } = await jwtVerify(t.AccessToken!, keys, { issuer, currentDate: new Date(now) });
    expect(Object.keys(access).sort()).toEqual(['auth_time', 'client_id', 'event_id', 'exp', 'iat', 'iss', 'jti', 'origin_jti', 'scope', 'sub', 'token_use', 'username'].sort());
    expect(access).toMatchObject({ token_use: 'access', client_id: clientId, scope: 'aws.cognito.signin.user.admin', username: 'lena', sub: id.sub, origin_jti: id.origin_jti, event_id: id.event_id });

    const [h, body] = t.IdToken!.split('.');
    const tampered = `${h}.${Buffer.from(JSON.stringify({ ...id, 'cognito:username': 'admin' })).toString('base64url')}.${t.IdToken!.split('.')[2]}`;
    await expect(jwtVerify(tampered, keys, { issuer, currentDate: new Date(now) })).rejects.toThrow(/signature/);
    expect(body).toBeTruthy();
  });

  it('tokens verify with aws-jwt-verify\'s generic RSA verifier against the served JWKS', async () => {
    const issuer = `${emu.url}/${poolId}`;
    const t = await signIn();
    const verifier = JwtRsaVerifier.create(
      { issuer, audience: clientId, jwksUri: `${issuer}/.well-known/jwks.json`, customJwtCheck: ({ payload }) => void expect(payload.token_use).toBe('id') },
      { jwksCache: new SimpleJwksCache({ fetcher: httpFetcher }) },
    );
    // aws-jwt-verify checks expiry with the real clock; the sandbox's clock is the real one here.
    const payload = await verifier.verify(t.IdToken!);
    expect(payload['cognito:username']).toBe('lena');
    const other = JwtRsaVerifier.create({ issuer, audience: 'someone-else', jwksUri: `${issuer}/.well-known/jwks.json` }, { jwksCache: new SimpleJwksCache({ fetcher: httpFetcher }) });
    await expect(other.verify(t.IdToken!)).rejects.toThrow(/audience/i);
  });

  it('groups put cognito:groups, cognito:roles and cognito:preferred_role in the tokens', async () => {
    const role = (n: string) => `arn:aws:iam::000000000000:role/${n}`;
    await idp.send(new C.CreateGroupCommand({ UserPoolId: poolId, GroupName: 'readers', RoleArn: role('Reader'), Precedence: 5 }));
    await idp.send(new C.CreateGroupCommand({ UserPoolId: poolId, GroupName: 'editors', RoleArn: role('Editor'), Precedence: 1, Description: 'can edit' }));
    await idp.send(new C.CreateGroupCommand({ UserPoolId: poolId, GroupName: 'staff' }));
    for (const g of ['readers', 'editors', 'staff']) await idp.send(new C.AdminAddUserToGroupCommand({ UserPoolId: poolId, Username: 'lena', GroupName: g }));
    expect((await idp.send(new C.AdminListGroupsForUserCommand({ UserPoolId: poolId, Username: 'lena' }))).Groups!.map((g) => g.GroupName)).toEqual(['readers', 'editors', 'staff']);
    expect((await idp.send(new C.ListUsersInGroupCommand({ UserPoolId: poolId, GroupName: 'editors' }))).Users!.map((u) => u.Username)).toEqual(['lena']);
    expect((await idp.send(new C.GetGroupCommand({ UserPoolId: poolId, GroupName: 'editors' }))).Group).toMatchObject({ Description: 'can edit', Precedence: 1, RoleArn: role('Editor') });
    await expect(idp.send(new C.CreateGroupCommand({ UserPoolId: poolId, GroupName: 'staff' }))).rejects.toMatchObject({ name: 'GroupExistsException', message: 'A group with the name staff already exists.' });

    const t = await signIn();
    const id = JSON.parse(Buffer.from(t.IdToken!.split('.')[1], 'base64url').toString());
    const access = JSON.parse(Buffer.from(t.AccessToken!.split('.')[1], 'base64url').toString());
    expect(id['cognito:groups']).toEqual(['editors', 'readers', 'staff']);
    expect(id['cognito:roles']).toEqual([role('Editor'), role('Reader')]);
    expect(id['cognito:preferred_role']).toBe(role('Editor'));
    expect(access['cognito:groups']).toEqual(['editors', 'readers', 'staff']);
    expect(access['cognito:roles']).toBeUndefined();

    await idp.send(new C.AdminRemoveUserFromGroupCommand({ UserPoolId: poolId, Username: 'lena', GroupName: 'editors' }));
    await idp.send(new C.UpdateGroupCommand({ UserPoolId: poolId, GroupName: 'staff', Precedence: 0, RoleArn: role('Staff') }));
    const again = JSON.parse(Buffer.from((await signIn()).IdToken!.split('.')[1], 'base64url').toString());
    expect(again['cognito:preferred_role']).toBe(role('Staff'));
    await idp.send(new C.DeleteGroupCommand({ UserPoolId: poolId, GroupName: 'staff' }));
    const last = JSON.parse(Buffer.from((await signIn()).IdToken!.split('.')[1], 'base64url').toString());
    expect(last['cognito:groups']).toEqual(['readers']);
    expect((await idp.send(new C.ListGroupsCommand({ UserPoolId: poolId }))).Groups!.map((g) => g.GroupName)).toEqual(['editors', 'readers']);
  });

  it('token validity and units of the client, and expiry by the sandbox clock', async () => {
    const c = await idp.send(
      new C.CreateUserPoolClientCommand({
        UserPoolId: poolId,
        ClientName: 'short',
        ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
        AccessTokenValidity: 5,
        IdTokenValidity: 10,
        RefreshTokenValidity: 60,
        TokenValidityUnits: { AccessToken: 'minutes', IdToken: 'minutes', RefreshToken: 'minutes' },
      }),
    );
    const t = await signIn('lena', c.UserPoolClient!.ClientId!);
    expect(t.ExpiresIn).toBe(300);
    const id = JSON.parse(Buffer.from(t.IdToken!.split('.')[1], 'base64url').toString());
    expect(id.exp - id.iat).toBe(600);
    expect((await idp.send(new C.GetUserCommand({ AccessToken: t.AccessToken }))).Username).toBe('lena');
    now += 301_000;
    await expect(idp.send(new C.GetUserCommand({ AccessToken: t.AccessToken }))).rejects.toMatchObject({ name: 'NotAuthorizedException', message: 'Access Token has expired' });
    const refreshed = await idp.send(new C.InitiateAuthCommand({ ClientId: c.UserPoolClient!.ClientId, AuthFlow: 'REFRESH_TOKEN_AUTH', AuthParameters: { REFRESH_TOKEN: t.RefreshToken! } }));
    expect(refreshed.AuthenticationResult!.AccessToken).toBeTruthy();
    now += 3600_000;
    await expect(idp.send(new C.InitiateAuthCommand({ ClientId: c.UserPoolClient!.ClientId, AuthFlow: 'REFRESH_TOKEN_AUTH', AuthParameters: { REFRESH_TOKEN: t.RefreshToken! } }))).rejects.toMatchObject({
      name: 'NotAuthorizedException',
    });
    now = Date.now();
  });

  it('ReadAttributes limit the ID token\'s attributes; the issuer follows the host the caller used', async () => {
    const c = await idp.send(new C.CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: 'narrow', ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH'], ReadAttributes: ['name'] }));
    const t = await signIn('lena', c.UserPoolClient!.ClientId!);
    const id = JSON.parse(Buffer.from(t.IdToken!.split('.')[1], 'base64url').toString());
    expect(id.email).toBeUndefined();
    const viaIp = new C.CognitoIdentityProviderClient({ ...emu.config(), endpoint: emu.url.replace('localhost', '127.0.0.1') });
    const t2 = (await viaIp.send(new C.InitiateAuthCommand({ ClientId: clientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: 'lena', PASSWORD } }))).AuthenticationResult!;
    const iss = JSON.parse(Buffer.from(t2.IdToken!.split('.')[1], 'base64url').toString()).iss as string;
    expect(iss).toBe(`${emu.url.replace('localhost', '127.0.0.1')}/${poolId}`);
    const { payload } = await jwtVerify(t2.IdToken!, createRemoteJWKSet(new URL(`${iss}/.well-known/jwks.json`)), { issuer: iss });
    expect(payload.sub).toBeTruthy();
  });
});
