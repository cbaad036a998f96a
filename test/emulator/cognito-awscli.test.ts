import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator.js';
import { aws, requireAwsCli } from '../helpers/awscli.js';

let emu: TestEmulator;

beforeAll(async () => {
  requireAwsCli();
  emu = await startTestEmulator();
});
afterAll(() => emu?.close());

describe('AWS CLI v2 against the emulator: Cognito', () => {
  it('a user pool, an app client, sign-up, confirmation, sign-in, then an identity pool', async () => {
    const cli = (args: string[]) => aws(emu.url, args);
    const pool = (await cli(['cognito-idp', 'create-user-pool', '--pool-name', 'cli-pool', '--auto-verified-attributes', 'email'])).UserPool;
    expect(pool.Id).toMatch(/^us-east-1_/);
    const client = (
      await cli(['cognito-idp', 'create-user-pool-client', '--user-pool-id', pool.Id, '--client-name', 'cli', '--explicit-auth-flows', 'ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'])
    ).UserPoolClient;

    const up = await cli(['cognito-idp', 'sign-up', '--client-id', client.ClientId, '--username', 'cliuser', '--password', 'Cli-Passw0rd!', '--user-attributes', 'Name=email,Value=cli@example.com']);
    expect(up).toMatchObject({ UserConfirmed: false, CodeDeliveryDetails: { DeliveryMedium: 'EMAIL', AttributeName: 'email' } });
    const outbox = (await (await fetch(`${emu.url}/_awslings/outbox?to=cli@example.com`)).json()) as { messages: { code: string }[] };
    await cli(['cognito-idp', 'confirm-sign-up', '--client-id', client.ClientId, '--username', 'cliuser', '--confirmation-code', outbox.messages[0].code]);

    const auth = await cli(['cognito-idp', 'initiate-auth', '--client-id', client.ClientId, '--auth-flow', 'USER_PASSWORD_AUTH', '--auth-parameters', 'USERNAME=cliuser,PASSWORD=Cli-Passw0rd!']);
    expect(auth.AuthenticationResult.TokenType).toBe('Bearer');
    const me = await cli(['cognito-idp', 'get-user', '--access-token', auth.AuthenticationResult.AccessToken]);
    expect(me.Username).toBe('cliuser');
    const listed = await cli(['cognito-idp', 'list-users', '--user-pool-id', pool.Id, '--filter', 'email = "cli@example.com"']);
    expect(listed.Users.map((u: { Username: string }) => u.Username)).toEqual(['cliuser']);
    expect((await cli(['cognito-idp', 'admin-get-user', '--user-pool-id', pool.Id, '--username', 'cliuser'])).UserStatus).toBe('CONFIRMED');
    await expect(cli(['cognito-idp', 'initiate-auth', '--client-id', client.ClientId, '--auth-flow', 'USER_PASSWORD_AUTH', '--auth-parameters', 'USERNAME=cliuser,PASSWORD=wrong'])).rejects.toThrow(
      /NotAuthorizedException\) when calling the InitiateAuth operation: Incorrect username or password\./,
    );

    const idPool = await cli([
      'cognito-identity', 'create-identity-pool', '--identity-pool-name', 'cli_identities', '--allow-unauthenticated-identities',
      '--cognito-identity-providers', `ProviderName=cognito-idp.us-east-1.amazonaws.com/${pool.Id},ClientId=${client.ClientId}`,
    ]);
    const id = await cli(['cognito-identity', 'get-id', '--identity-pool-id', idPool.IdentityPoolId, '--logins', `cognito-idp.us-east-1.amazonaws.com/${pool.Id}=${auth.AuthenticationResult.IdToken}`]);
    expect(id.IdentityId).toMatch(/^us-east-1:/);
    expect((await cli(['cognito-identity', 'describe-identity', '--identity-id', id.IdentityId])).Logins).toEqual([`cognito-idp.us-east-1.amazonaws.com/${pool.Id}`]);

    await cli(['cognito-idp', 'delete-user-pool', '--user-pool-id', pool.Id]);
    await expect(cli(['cognito-idp', 'describe-user-pool', '--user-pool-id', pool.Id])).rejects.toThrow(/ResourceNotFoundException/);
    // Thirteen CLI runs of about a second each: more than the default timeout on a busy machine.
  }, 120_000);
});
