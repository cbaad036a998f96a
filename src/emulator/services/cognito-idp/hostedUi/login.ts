import type { HttpResponse } from '../../../core/http.js';
import { isAwsError } from '../../../core/errors.js';
import type { PoolClient, PoolRef } from '../state.js';
import { secretHash, newTotpSecret, totpMatch } from '../secrets.js';
import { newSession, openSession } from '../sessions.js';
import { answerNewPassword, checkPassword, nextChallenge, postAuthentication, type Attempt } from '../auth.js';
import { getUser } from '../common.js';
import { checkTotp } from '../mfa.js';
import { clientOfSite, siteCtx, siteUrl, type Site } from './index.js';
import { authParams, finishSignIn, readAuthRequest, type AuthRequest } from './oauth.js';
import { errorBox, esc, field, hidden, page } from './pages.js';

const usernameLabel = (ref: PoolRef): string => {
  const ua = ref.pool.config.UsernameAttributes ?? [];
  return ua.includes('email') && ua.includes('phone_number') ? 'Email or phone number' : ua.includes('email') ? 'Email' : ua.includes('phone_number') ? 'Phone number' : 'Username';
};

const hash = (client: PoolClient, username: string) => (client.ClientSecret ? secretHash(client.ClientSecret, username, client.ClientId) : undefined);

/** The sign-in page: the user pool's own form when the client allows COGNITO, and a button per identity provider. */
export function loginPage(site: Site, ar: AuthRequest, error?: string, notice?: string): HttpResponse {
  const supported = ar.client.SupportedIdentityProviders ?? [];
  const parts: string[] = [];
  if (notice) parts.push(`<p class="note" role="status">${esc(notice)}</p>`);
  parts.push(errorBox(error));
  if (supported.includes('COGNITO')) {
    parts.push(`<form method="post" action="${esc(siteUrl(site, '/login'))}">
${hidden({ ...ar.params, step: 'password' })}
${field('username', usernameLabel(ar.ref), 'text', 'username', site.params.get('username') ?? '', ' autocapitalize="none"')}
${field('password', 'Password', 'password', 'current-password')}
<button type="submit">Sign in</button>
</form>
<p class="links"><a href="${esc(siteUrl(site, '/forgotPassword', ar.params))}">Forgot your password?</a></p>
${ar.ref.pool.config.AdminCreateUserConfig?.AllowAdminCreateUserOnly ? '' : `<p class="links">Need an account? <a href="${esc(siteUrl(site, '/signup', ar.params))}">Sign up</a></p>`}`);
  }
  const idps = supported.filter((p) => p !== 'COGNITO' && ar.ref.pool.providers[p]);
  if (idps.length) {
    if (supported.includes('COGNITO')) parts.push('<hr>');
    for (const idp of idps) {
      parts.push(`<form method="get" action="${esc(siteUrl(site, '/oauth2/authorize'))}">
${hidden({ ...ar.params, identity_provider: idp })}
<button type="submit" class="idp">Continue with ${esc(idp)}</button>
</form>`);
    }
  }
  if (!supported.includes('COGNITO') && !idps.length) {
    parts.push(errorBox('Login option is not available. This app client supports no identity provider (set SupportedIdentityProviders, for example to COGNITO).'));
  }
  return page('Sign in', parts.join('\n'));
}

function attempt(site: Site, ar: AuthRequest): Attempt {
  return { ctx: siteCtx(site, ar.ref), ref: ar.ref, client: ar.client };
}

/** After the password (and any challenge): the next page, or back to the app signed in. */
async function continueSignIn(site: Site, ar: AuthRequest, a: Attempt, username: string, authTime: number): Promise<HttpResponse> {
  const user = getUser(ar.ref.pool, username);
  const challenge = nextChallenge(a, user);
  site.emulator.store.flush();
  if (!challenge) {
    await postAuthentication(a, user);
    return finishSignIn(site, ar, user, authTime);
  }
  const session = await newSession(site.emulator, ar.ref, ar.client, user.Username, challenge, authTime);
  if (challenge === 'NEW_PASSWORD_REQUIRED') {
    const missing = (ar.ref.pool.config.SchemaAttributes ?? []).filter((s) => s.Required && s.Name !== 'sub' && user.attributes[s.Name!] === undefined);
    return page(
      'Change password',
      `<p>Please enter a new password.</p>
<form method="post" action="${esc(siteUrl(site, '/login'))}">
${hidden({ ...ar.params, step: 'new_password', session })}
${field('new_password', 'New password', 'password', 'new-password')}
${missing.map((s) => field(`attr_${s.Name}`, s.Name!, s.Name === 'email' ? 'email' : 'text', 'off')).join('\n')}
<button type="submit">Send</button>
</form>`,
    );
  }
  if (challenge === 'SOFTWARE_TOKEN_MFA') return mfaPage(site, ar, session);
  // MFA_SETUP: the pool requires MFA and the user has none yet.
  user.totp = { secret: newTotpSecret(), verified: false };
  site.emulator.store.flush();
  const uri = `otpauth://totp/${encodeURIComponent(`${ar.ref.pool.config.Name}:${user.Username}`)}?secret=${user.totp.secret}&issuer=${encodeURIComponent(ar.ref.pool.config.Name ?? 'Cognito')}`;
  return page(
    'Set up an authenticator app',
    `<p>This user pool requires multi-factor authentication. Add this key to an authenticator app, then enter the code it shows.</p>
<p>Secret key: <code id="totp-secret">${esc(user.totp.secret)}</code></p>
<p><a href="${esc(uri)}">Open in an authenticator app</a></p>
<form method="post" action="${esc(siteUrl(site, '/login'))}">
${hidden({ ...ar.params, step: 'mfa_setup', session })}
${field('code', 'Code from the app', 'text', 'one-time-code', '', ' inputmode="numeric" pattern="[0-9]{6}"')}
<button type="submit">Verify</button>
</form>`,
  );
}

function mfaPage(site: Site, ar: AuthRequest, session: string, error?: string): HttpResponse {
  return page(
    'Multi-factor authentication',
    `${errorBox(error)}<form method="post" action="${esc(siteUrl(site, '/login'))}">
${hidden({ ...ar.params, step: 'mfa', session })}
${field('code', 'Code from your authenticator app', 'text', 'one-time-code', '', ' inputmode="numeric" pattern="[0-9]{6}"')}
<button type="submit">Sign in</button>
</form>`,
  );
}

/** `/login`: the form, and each step of signing in through it. */
export async function login(site: Site): Promise<HttpResponse> {
  const ar = await readAuthRequest(site);
  if (!('ref' in ar)) return ar;
  if (site.req.method !== 'POST') return loginPage(site, ar);
  const a = attempt(site, ar);
  const p = site.params;
  const step = p.get('step') ?? 'password';
  try {
    if (step === 'password') {
      const typed = (p.get('username') ?? '').trim();
      const user = await checkPassword(a, typed, p.get('password') ?? '', hash(ar.client, typed));
      return await continueSignIn(site, ar, a, user.Username, Math.floor(site.emulator.clock.now() / 1000));
    }
    const s = await openSession(site.emulator, ar.ref, p.get('session') ?? undefined, ar.client);
    const user = getUser(ar.ref.pool, s.u);
    if (step === 'new_password' && s.ch === 'NEW_PASSWORD_REQUIRED') {
      const attrs = [...p.entries()].filter(([k]) => k.startsWith('attr_')).map(([k, v]) => ({ Name: k.slice(5), Value: v }));
      answerNewPassword(a, user, p.get('new_password') ?? '', attrs);
      return await continueSignIn(site, ar, a, user.Username, s.at);
    }
    if (step === 'mfa' && s.ch === 'SOFTWARE_TOKEN_MFA') {
      try {
        checkTotp(a.ctx, user, p.get('code') ?? '');
      } catch (e) {
        if (isAwsError(e)) return mfaPage(site, ar, p.get('session')!, e.message);
        throw e;
      }
      site.emulator.store.flush();
      await postAuthentication(a, user);
      return await finishSignIn(site, ar, user, s.at);
    }
    if (step === 'mfa_setup' && s.ch === 'MFA_SETUP' && user.totp) {
      const stepNo = totpMatch(user.totp.secret, p.get('code') ?? '', site.emulator.clock.now());
      if (stepNo === undefined) return loginPage(site, ar, 'Code mismatch. Sign in again to restart the set-up.');
      user.totp = { ...user.totp, verified: true, lastStep: stepNo };
      user.mfa = { enabled: [...new Set([...user.mfa.enabled, 'SOFTWARE_TOKEN_MFA'])], preferred: 'SOFTWARE_TOKEN_MFA' };
      site.emulator.store.flush();
      await postAuthentication(a, user);
      return await finishSignIn(site, ar, user, s.at);
    }
    return loginPage(site, ar, 'Invalid session for the user, session is expired.');
  } catch (e) {
    if (!isAwsError(e)) throw e;
    if (e.code === 'UserNotConfirmedException') {
      return loginPage(site, ar, `${e.message} Confirm your account with the code you were sent: ${siteUrl(site, '/confirm', { ...ar.params, username: p.get('username') ?? undefined })}`);
    }
    return loginPage(site, ar, e.message);
  }
}

/** Runs one of the pool's unsigned operations for a page, as an app would call it. */
function call(site: Site, ref: PoolRef, operation: string, input: object) {
  return site.emulator.call('cognito-idp', operation, input, { accountId: ref.accountId, region: ref.region });
}

export async function signup(site: Site): Promise<HttpResponse> {
  const ar = await readAuthRequest(site);
  if (!('ref' in ar)) return ar;
  const { ref, client } = ar;
  if (ref.pool.config.AdminCreateUserConfig?.AllowAdminCreateUserOnly) return loginPage(site, ar, 'SignUp is not permitted for this user pool');
  const ua = ref.pool.config.UsernameAttributes ?? [];
  const needsEmail = !ua.includes('email') && ((ref.pool.config.AutoVerifiedAttributes ?? []).includes('email') || ref.pool.config.SchemaAttributes?.some((s) => s.Name === 'email' && s.Required));
  const form = (error?: string) =>
    page(
      'Sign up',
      `${errorBox(error)}<form method="post" action="${esc(siteUrl(site, '/signup'))}">
${hidden(ar.params)}
${field('username', usernameLabel(ref), ua.includes('email') ? 'email' : 'text', 'username', site.params.get('username') ?? '', ' autocapitalize="none"')}
${needsEmail ? field('email', 'Email', 'email', 'email', site.params.get('email') ?? '') : ''}
${field('password', 'Password', 'password', 'new-password')}
<button type="submit">Sign up</button>
</form>
<p class="links">Already have an account? <a href="${esc(siteUrl(site, '/login', ar.params))}">Sign in</a></p>`,
    );
  if (site.req.method !== 'POST') return form();
  const username = (site.params.get('username') ?? '').trim();
  const email = site.params.get('email');
  try {
    const out = (await call(site, ref, 'SignUp', {
      ClientId: client.ClientId,
      Username: username,
      Password: site.params.get('password') ?? '',
      SecretHash: hash(client, username),
      UserAttributes: needsEmail && email ? [{ Name: 'email', Value: email }] : [],
    })) as { UserConfirmed?: boolean; CodeDeliveryDetails?: { Destination?: string } };
    site.emulator.store.flush();
    if (out.UserConfirmed) return loginPage(site, ar, undefined, 'Your account is ready. Sign in.');
    return confirmPage(site, ar, username, undefined, out.CodeDeliveryDetails?.Destination);
  } catch (e) {
    if (isAwsError(e)) return form(e.message);
    throw e;
  }
}

function confirmPage(site: Site, ar: AuthRequest, username: string, error?: string, destination?: string): HttpResponse {
  return page(
    'Confirm your account',
    `${destination ? `<p role="status">We have sent a code to ${esc(destination)}. The sandbox keeps it in its outbox (/_awslings/outbox).</p>` : ''}
${errorBox(error)}<form method="post" action="${esc(siteUrl(site, '/confirm'))}">
${hidden(ar.params)}
${field('username', 'Username', 'text', 'username', username)}
${field('code', 'Verification code', 'text', 'one-time-code', '', ' inputmode="numeric"')}
<button type="submit">Confirm account</button>
</form>`,
  );
}

/** `/confirm` (the form) and `/confirmUser` (the link CONFIRM_WITH_LINK mails contain). */
export async function confirm(site: Site): Promise<HttpResponse> {
  const p = site.params;
  if (site.path === '/confirmUser' && p.get('confirmation_code')) {
    p.set('username', p.get('user_name') ?? '');
    p.set('code', p.get('confirmation_code') ?? '');
  }
  const linked = site.path === '/confirmUser';
  const ar = linked ? undefined : await readAuthRequest(site);
  if (ar && !('ref' in ar)) return ar;
  const found = ar ?? (await clientOfSite(site, p.get('client_id')));
  if (!found) return page('Confirm your account', errorBox('Invalid client_id: no such app client on this domain.'), 400);
  const username = p.get('username') ?? '';
  if (site.req.method !== 'POST' && !linked) return confirmPage(site, ar!, username);
  try {
    await call(site, found.ref, 'ConfirmSignUp', { ClientId: found.client.ClientId, Username: username, ConfirmationCode: p.get('code') ?? '', SecretHash: hash(found.client, username) });
    site.emulator.store.flush();
  } catch (e) {
    if (!isAwsError(e)) throw e;
    if (ar) return confirmPage(site, ar, username, e.message);
    return page('Confirm your account', errorBox(e.message), 400);
  }
  if (ar) return loginPage(site, ar, undefined, 'Your account is confirmed. Sign in.');
  return page('Account confirmed', '<p role="status">Your registration has been confirmed. You can close this page and sign in.</p>');
}

export async function forgotPassword(site: Site): Promise<HttpResponse> {
  const ar = await readAuthRequest(site);
  if (!('ref' in ar)) return ar;
  const form = (error?: string) =>
    page(
      'Forgot your password?',
      `<p>Enter your username and we will send a code to reset your password.</p>${errorBox(error)}
<form method="post" action="${esc(siteUrl(site, '/forgotPassword'))}">
${hidden(ar.params)}
${field('username', usernameLabel(ar.ref), 'text', 'username', site.params.get('username') ?? '')}
<button type="submit">Reset my password</button>
</form>`,
    );
  if (site.req.method !== 'POST') return form();
  const username = (site.params.get('username') ?? '').trim();
  try {
    const out = (await call(site, ar.ref, 'ForgotPassword', { ClientId: ar.client.ClientId, Username: username, SecretHash: hash(ar.client, username) })) as { CodeDeliveryDetails?: { Destination?: string } };
    site.emulator.store.flush();
    return resetPage(site, ar, username, undefined, out.CodeDeliveryDetails?.Destination);
  } catch (e) {
    if (isAwsError(e)) return form(e.message);
    throw e;
  }
}

function resetPage(site: Site, ar: AuthRequest, username: string, error?: string, destination?: string): HttpResponse {
  return page(
    'Reset your password',
    `${destination ? `<p role="status">We have sent a password reset code to ${esc(destination)}. The sandbox keeps it in its outbox (/_awslings/outbox).</p>` : ''}${errorBox(error)}
<form method="post" action="${esc(siteUrl(site, '/confirmForgotPassword'))}">
${hidden({ ...authParams(site), username })}
${field('code', 'Code', 'text', 'one-time-code', '', ' inputmode="numeric"')}
${field('password', 'New password', 'password', 'new-password')}
<button type="submit">Change password</button>
</form>`,
  );
}

export async function confirmForgotPassword(site: Site): Promise<HttpResponse> {
  const ar = await readAuthRequest(site);
  if (!('ref' in ar)) return ar;
  const username = site.params.get('username') ?? '';
  if (site.req.method !== 'POST') return resetPage(site, ar, username);
  try {
    await call(site, ar.ref, 'ConfirmForgotPassword', {
      ClientId: ar.client.ClientId,
      Username: username,
      ConfirmationCode: site.params.get('code') ?? '',
      Password: site.params.get('password') ?? '',
      SecretHash: hash(ar.client, username),
    });
    site.emulator.store.flush();
    return loginPage(site, ar, undefined, 'Your password has been changed. Sign in with the new one.');
  } catch (e) {
    if (isAwsError(e)) return resetPage(site, ar, username, e.message);
    throw e;
  }
}
