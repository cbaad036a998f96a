import { spawn, type ChildProcess } from 'node:child_process';
import * as C from '@aws-sdk/client-cognito-identity-provider';
import { AuthenticationDetails, CognitoUser, CognitoUserPool } from 'amazon-cognito-identity-js';
import { clientResponses, clientSession, cognitoTimestamp } from '../src/emulator/services/cognito-idp/srp.js';
import { ms, report, spawnEmulator, stats, stop } from './lib.js';

const ROOT_CREDS = { accessKeyId: 'test', secretAccessKey: 'test' };
const cfg = (endpoint: string) => ({ endpoint, region: 'us-east-1', credentials: ROOT_CREDS, maxAttempts: 1 });
/** Apps call InitiateAuth unsigned, as this client does. */
const unsigned = (endpoint: string) => new C.CognitoIdentityProviderClient({ ...cfg(endpoint), signer: { sign: async (r: unknown) => r } as never });
const PASSWORD = 'Bench-Passw0rd!';

async function time(n: number, fn: () => Promise<unknown>): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await fn();
    out.push(performance.now() - t);
  }
  return out;
}

/** A full SRP sign-in as a client does it: A, the server's challenge, the proof, the tokens. */
async function srpSignIn(client: C.CognitoIdentityProviderClient, poolId: string, clientId: string): Promise<C.RespondToAuthChallengeCommandOutput> {
  const session = clientSession();
  const start = await client.send(new C.InitiateAuthCommand({ ClientId: clientId, AuthFlow: 'USER_SRP_AUTH', AuthParameters: { USERNAME: 'bench', SRP_A: session.A.toString(16) } }));
  const p = start.ChallengeParameters as { USER_ID_FOR_SRP: string; SRP_B: string; SALT: string; SECRET_BLOCK: string };
  const timestamp = cognitoTimestamp(Date.now());
  const { signature } = clientResponses(poolId.split('_')[1], PASSWORD, session, p, timestamp);
  return client.send(
    new C.RespondToAuthChallengeCommand({
      ClientId: clientId,
      ChallengeName: 'PASSWORD_VERIFIER',
      ChallengeResponses: { USERNAME: p.USER_ID_FOR_SRP, PASSWORD_CLAIM_SECRET_BLOCK: p.SECRET_BLOCK, PASSWORD_CLAIM_SIGNATURE: signature, TIMESTAMP: timestamp },
    }),
  );
}

export async function cognitoBench(): Promise<void> {
  console.log('\nCognito user pools (issue 6)');
  const e = await spawnEmulator();
  let canned: ChildProcess | undefined;
  try {
    const admin = new C.CognitoIdentityProviderClient(cfg(e.url));
    const poolId = (await admin.send(new C.CreateUserPoolCommand({ PoolName: 'bench' }))).UserPool!.Id!;
    const clientId = (await admin.send(new C.CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: 'bench', ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'] })))
      .UserPoolClient!.ClientId!;
    await admin.send(new C.AdminCreateUserCommand({ UserPoolId: poolId, Username: 'bench', MessageAction: 'SUPPRESS' }));
    await admin.send(new C.AdminSetUserPasswordCommand({ UserPoolId: poolId, Username: 'bench', Password: PASSWORD, Permanent: true }));
    const client = unsigned(e.url);
    const passwordAuth = () => client.send(new C.InitiateAuthCommand({ ClientId: clientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: 'bench', PASSWORD } }));

    // Baseline: a Node server in its own process (so it waits for the CPU as the emulator does)
    // answering every request with a recorded InitiateAuth response, to the same SDK client.
    const recorded = await fetch(e.url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AWSCognitoIdentityProviderService.InitiateAuth' },
      body: JSON.stringify({ ClientId: clientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: 'bench', PASSWORD } }),
    }).then((r) => r.text());
    canned = spawn(
      process.execPath,
      ['-e', `const body=${JSON.stringify(recorded)};require('node:http').createServer((q,s)=>{q.resume();q.on('end',()=>s.writeHead(200,{'content-type':'application/x-amz-json-1.1'}).end(body))}).listen(0,'127.0.0.1',function(){console.log('ready on http://127.0.0.1:'+this.address().port)})`],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    const baseUrl = await new Promise<string>((resolve) => canned!.stdout!.on('data', (d: Buffer) => /ready on (\S+)/.test(d.toString()) && resolve(/ready on (\S+)/.exec(d.toString())![1])));
    const baseClient = unsigned(baseUrl);
    const baseCall = () => baseClient.send(new C.InitiateAuthCommand({ ClientId: clientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: 'bench', PASSWORD } }));

    await time(50, passwordAuth);
    await time(50, baseCall);
    const pw = stats(await time(500, passwordAuth));
    const base = stats(await time(500, baseCall));
    report(
      'InitiateAuth USER_PASSWORD_AUTH p50 (one SDK client, sequential)',
      ms(pw.p50),
      '< 5 ms',
      pw.p50 < 5,
      `p90 ${ms(pw.p90)}; canned-response server (own process) with the same client: p50 ${ms(base.p50)}, so the sandbox's own work is ${ms(pw.p50 - base.p50)} (ratio ${(pw.p50 / base.p50).toFixed(1)}x)`,
    );

    await time(20, () => srpSignIn(client, poolId, clientId));
    const srp = stats(await time(200, () => srpSignIn(client, poolId, clientId)));
    const twoBase = stats(await time(200, async () => (await baseCall(), await baseCall())));
    const pool = new CognitoUserPool({ UserPoolId: poolId, ClientId: clientId, endpoint: e.url });
    const library = stats(
      await time(10, () => new Promise((resolve, reject) => new CognitoUser({ Username: 'bench', Pool: pool }).authenticateUser(new AuthenticationDetails({ Username: 'bench', Password: PASSWORD }), { onSuccess: resolve, onFailure: reject }))),
    );
    report(
      'full SRP sign-in p50 (USER_SRP_AUTH + PASSWORD_VERIFIER, client math included)',
      ms(srp.p50),
      '< 30 ms',
      srp.p50 < 30,
      `p90 ${ms(srp.p90)}; two canned round trips: ${ms(twoBase.p50)} (ratio ${(srp.p50 / twoBase.p50).toFixed(1)}x); amazon-cognito-identity-js (pure-JS big numbers on the client) median ${ms(library.median)}`,
    );
  } finally {
    canned?.kill();
    await stop(e.child);
  }
}
