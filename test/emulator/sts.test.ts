import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as IAM from '@aws-sdk/client-iam';
import * as STS from '@aws-sdk/client-sts';
import { SignJWT, exportJWK, generateKeyPair } from 'jose';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator.js';
import { expectSameShape, plainOutput, snapshot } from '../helpers/snapshots.js';

let emu: TestEmulator;
let iam: IAM.IAMClient;
let sts: STS.STSClient;

const trust = (principal: object, condition?: object, action = 'sts:AssumeRole') =>
  JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: principal, Action: action, ...(condition ? { Condition: condition } : {}) }] });

beforeAll(async () => {
  emu = await startTestEmulator();
  iam = new IAM.IAMClient(emu.config());
  sts = new STS.STSClient(emu.config());
});
afterAll(() => emu.close());

describe('STS', () => {
  it('GetCallerIdentity: root of 000000000000 for the test keys, of the account for a 12-digit key', async () => {
    expect(await sts.send(new STS.GetCallerIdentityCommand({}))).toMatchObject({ Account: '000000000000', Arn: 'arn:aws:iam::000000000000:root' });
    const other = new STS.STSClient(emu.config({ accessKeyId: '111122223333', secretAccessKey: 'x' }));
    expect(await other.send(new STS.GetCallerIdentityCommand({}))).toMatchObject({ Account: '111122223333', Arn: 'arn:aws:iam::111122223333:root' });
  });

  it('AssumeRole evaluates the trust policy and returns AWS shapes; the session acts as the role', async () => {
    const created = await iam.send(new IAM.CreateRoleCommand({ RoleName: 'deployer', AssumeRolePolicyDocument: trust({ AWS: '000000000000' }) }));
    const res = await sts.send(new STS.AssumeRoleCommand({ RoleArn: created.Role!.Arn, RoleSessionName: 's1' }));
    expectSameShape(plainOutput(res), snapshot('sts__test_sts.snapshot.json', 'TestSTSIntegrations::test_assume_role', 'assume-role'));
    expect(res.Credentials!.AccessKeyId).toMatch(/^ASIA/);
    expect(res.AssumedRoleUser!.Arn).toBe('arn:aws:sts::000000000000:assumed-role/deployer/s1');
    expect(res.AssumedRoleUser!.AssumedRoleId).toBe(`${created.Role!.RoleId}:s1`);
    expect(res.Credentials!.Expiration!.getTime() - Date.now()).toBeGreaterThan(3500_000);

    const asRole = new STS.STSClient(emu.config({ accessKeyId: res.Credentials!.AccessKeyId!, secretAccessKey: res.Credentials!.SecretAccessKey!, sessionToken: res.Credentials!.SessionToken }));
    const who = await asRole.send(new STS.GetCallerIdentityCommand({}));
    expect(who).toMatchObject({ Account: '000000000000', Arn: 'arn:aws:sts::000000000000:assumed-role/deployer/s1', UserId: `${created.Role!.RoleId}:s1` });
  });

  it('AssumeRole is refused by a trust policy that does not name the caller', async () => {
    const r = await iam.send(new IAM.CreateRoleCommand({ RoleName: 'lambda-only', AssumeRolePolicyDocument: trust({ Service: 'lambda.amazonaws.com' }) }));
    const err = await sts.send(new STS.AssumeRoleCommand({ RoleArn: r.Role!.Arn, RoleSessionName: 'x1' })).catch((e) => e);
    expect(err).toMatchObject({
      name: 'AccessDenied',
      message: `User: arn:aws:iam::000000000000:root is not authorized to perform: sts:AssumeRole on resource: ${r.Role!.Arn}`,
      $metadata: { httpStatusCode: 403 },
    });
  });

  it('AssumeRole checks an ExternalId condition and the session duration limits', async () => {
    const r = await iam.send(
      new IAM.CreateRoleCommand({ RoleName: 'partner', AssumeRolePolicyDocument: trust({ AWS: 'arn:aws:iam::000000000000:root' }, { StringEquals: { 'sts:ExternalId': 'secret-42' } }) }),
    );
    await expect(sts.send(new STS.AssumeRoleCommand({ RoleArn: r.Role!.Arn, RoleSessionName: 'p1' }))).rejects.toMatchObject({ name: 'AccessDenied' });
    await expect(sts.send(new STS.AssumeRoleCommand({ RoleArn: r.Role!.Arn, RoleSessionName: 'p1', ExternalId: 'wrong' }))).rejects.toMatchObject({ name: 'AccessDenied' });
    const ok = await sts.send(new STS.AssumeRoleCommand({ RoleArn: r.Role!.Arn, RoleSessionName: 'p1', ExternalId: 'secret-42', DurationSeconds: 900 }));
    expect(ok.Credentials!.Expiration!.getTime() - Date.now()).toBeLessThan(901_000);
    await expect(
      sts.send(new STS.AssumeRoleCommand({ RoleArn: r.Role!.Arn, RoleSessionName: 'p1', ExternalId: 'secret-42', DurationSeconds: 7200 })),
    ).rejects.toMatchObject({ name: 'ValidationError', message: 'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.' });
    await expect(
      sts.send(new STS.AssumeRoleCommand({ RoleArn: r.Role!.Arn, RoleSessionName: 'p1', ExternalId: 'secret-42', DurationSeconds: 60 })),
    ).rejects.toMatchObject({ name: 'ValidationError' });
  });

  it('validates role ARNs and session names as AWS words it', async () => {
    for (const arn of ['nothing-valid-in-here', 'arn::b:::something/test-role']) {
      await expect(sts.send(new STS.AssumeRoleCommand({ RoleArn: arn, RoleSessionName: 'ok' }))).rejects.toMatchObject({ name: 'ValidationError', message: `${arn} is invalid` });
    }
    const bad = await sts.send(new STS.AssumeRoleCommand({ RoleArn: 'arn:aws:iam::000000000000:role/deployer', RoleSessionName: 'Session1:2' })).catch((e) => e);
    expect(bad.message).toBe(
      "1 validation error detected: Value 'Session1:2' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*",
    );
  });

  it('role chaining is limited to one hour', async () => {
    const a = await sts.send(new STS.AssumeRoleCommand({ RoleArn: 'arn:aws:iam::000000000000:role/deployer', RoleSessionName: 'outer' }));
    await iam.send(new IAM.CreateRoleCommand({ RoleName: 'inner', MaxSessionDuration: 7200, AssumeRolePolicyDocument: trust({ AWS: 'arn:aws:iam::000000000000:role/deployer' }) }));
    const asA = new STS.STSClient(emu.config({ accessKeyId: a.Credentials!.AccessKeyId!, secretAccessKey: a.Credentials!.SecretAccessKey!, sessionToken: a.Credentials!.SessionToken }));
    await expect(asA.send(new STS.AssumeRoleCommand({ RoleArn: 'arn:aws:iam::000000000000:role/inner', RoleSessionName: 'chain', DurationSeconds: 7200 }))).rejects.toMatchObject({
      message: 'The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.',
    });
    // The deployer role has no identity policy allowing sts:AssumeRole, but the trust policy names the role itself.
    const chained = await asA.send(new STS.AssumeRoleCommand({ RoleArn: 'arn:aws:iam::000000000000:role/inner', RoleSessionName: 'chain' }));
    expect(chained.AssumedRoleUser!.Arn).toBe('arn:aws:sts::000000000000:assumed-role/inner/chain');
  });

  it('GetSessionToken for a user carries the user identity; GetFederationToken names a federated user', async () => {
    await iam.send(new IAM.CreateUserCommand({ UserName: 'tok' }));
    await iam.send(new IAM.PutUserPolicyCommand({ UserName: 'tok', PolicyName: 'sts', PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sts:GetFederationToken', Resource: '*' }] }) }));
    const key = (await iam.send(new IAM.CreateAccessKeyCommand({ UserName: 'tok' }))).AccessKey!;
    const asUser = new STS.STSClient(emu.config({ accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! }));
    const st = await asUser.send(new STS.GetSessionTokenCommand({ DurationSeconds: 900 }));
    const asSession = new STS.STSClient(emu.config({ accessKeyId: st.Credentials!.AccessKeyId!, secretAccessKey: st.Credentials!.SecretAccessKey!, sessionToken: st.Credentials!.SessionToken }));
    expect((await asSession.send(new STS.GetCallerIdentityCommand({}))).Arn).toBe('arn:aws:iam::000000000000:user/tok');
    await expect(asSession.send(new STS.GetSessionTokenCommand({}))).rejects.toMatchObject({ name: 'AccessDenied' });

    const fed = await asUser.send(new STS.GetFederationTokenCommand({ Name: 'visitor' }));
    expectSameShape(plainOutput(fed), snapshot('sts__test_sts.snapshot.json', 'TestSTSIntegrations::test_get_federation_token', 'get-federation-token'));
    expect(fed.FederatedUser!.Arn).toBe('arn:aws:sts::000000000000:federated-user/visitor');
    expect((await sts.send(new STS.GetAccessKeyInfoCommand({ AccessKeyId: key.AccessKeyId }))).Account).toBe('000000000000');
  });

  describe('AssumeRoleWithWebIdentity against an OIDC provider', () => {
    let issuer: Server;
    let issuerUrl: string;
    let sign: (claims: Record<string, unknown>) => Promise<string>;

    beforeAll(async () => {
      const { publicKey, privateKey } = await generateKeyPair('RS256');
      const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
      issuer = createServer((req, res) => {
        res.setHeader('content-type', 'application/json');
        if (req.url === '/.well-known/openid-configuration') res.end(JSON.stringify({ issuer: issuerUrl, jwks_uri: `${issuerUrl}/jwks` }));
        else if (req.url === '/jwks') res.end(JSON.stringify({ keys: [jwk] }));
        else res.writeHead(404).end('{}');
      });
      await new Promise<void>((r) => issuer.listen(0, '127.0.0.1', r));
      issuerUrl = `http://127.0.0.1:${(issuer.address() as AddressInfo).port}`;
      sign = (claims) =>
        new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: 'k1' }).setIssuer(issuerUrl).setIssuedAt().setExpirationTime('10m').sign(privateKey);
      await iam.send(new IAM.CreateOpenIDConnectProviderCommand({ Url: issuerUrl, ClientIDList: ['my-app'], ThumbprintList: ['0'.repeat(40)] }));
    });
    afterAll(() => new Promise<void>((r) => issuer.close(() => r())));

    it('verifies the token, checks the audience and the trust policy conditions', async () => {
      const host = issuerUrl.replace(/^https?:\/\//, '');
      const provider = `arn:aws:iam::000000000000:oidc-provider/${host}`;
      await iam.send(
        new IAM.CreateRoleCommand({
          RoleName: 'web-user',
          AssumeRolePolicyDocument: trust({ Federated: provider }, { StringEquals: { [`${host}:aud`]: 'my-app' } }, 'sts:AssumeRoleWithWebIdentity'),
        }),
      );
      // Unsigned, as the AWS SDK sends it.
      const anon = new STS.STSClient({ ...emu.config(), credentials: { accessKeyId: '', secretAccessKey: '' }, signer: { sign: async (r: unknown) => r } as never });
      const token = await sign({ sub: 'user-1', aud: 'my-app' });
      const res = await anon.send(new STS.AssumeRoleWithWebIdentityCommand({ RoleArn: 'arn:aws:iam::000000000000:role/web-user', RoleSessionName: 'web', WebIdentityToken: token }));
      expect(res.SubjectFromWebIdentityToken).toBe('user-1');
      expect(res.Audience).toBe('my-app');
      expect(res.AssumedRoleUser!.Arn).toBe('arn:aws:sts::000000000000:assumed-role/web-user/web');

      const wrongAud = await sign({ sub: 'user-1', aud: 'other-app' });
      await expect(anon.send(new STS.AssumeRoleWithWebIdentityCommand({ RoleArn: 'arn:aws:iam::000000000000:role/web-user', RoleSessionName: 'web', WebIdentityToken: wrongAud }))).rejects.toMatchObject({
        name: 'InvalidIdentityTokenException',
        message: 'Incorrect token audience',
      });
      await expect(anon.send(new STS.AssumeRoleWithWebIdentityCommand({ RoleArn: 'arn:aws:iam::000000000000:role/web-user', RoleSessionName: 'web', WebIdentityToken: 'not.a.jwt' }))).rejects.toMatchObject({
        name: 'InvalidIdentityTokenException',
      });
      const forged = token.slice(0, -4) + (token.endsWith('AAAA') ? 'BBBB' : 'AAAA');
      await expect(anon.send(new STS.AssumeRoleWithWebIdentityCommand({ RoleArn: 'arn:aws:iam::000000000000:role/web-user', RoleSessionName: 'web', WebIdentityToken: forged }))).rejects.toMatchObject({
        name: 'InvalidIdentityTokenException',
      });
    });
  });
});
