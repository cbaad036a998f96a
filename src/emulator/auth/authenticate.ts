import type { HttpRequest } from '../core/http.js';
import { AwsError } from '../core/errors.js';
import type { AuthErrorCodes, ProtocolName, ServiceDefinition } from '../core/service.js';
import { accountOfAccessKey, looksLikeAwsKey } from '../core/ids.js';
import type { Emulator } from '../emulator.js';
import { parseAmzDate, verifySigV4, type SigV4Auth } from './sigv4.js';
import { anonymousPrincipal, rootPrincipal, type Principal } from './principal.js';
import { findAccessKey } from '../services/iam/state.js';
import { findSession } from '../services/sts/state.js';

const DEFAULT_ACCOUNT = '000000000000';

const byProtocol: Record<ProtocolName, AuthErrorCodes & { missing: { code: string; status: number } }> = {
  awsQuery: {
    unknownKey: { code: 'InvalidClientTokenId', status: 403 },
    badSignature: { code: 'SignatureDoesNotMatch', status: 403 },
    expiredToken: { code: 'ExpiredToken', status: 400 },
    accessDenied: { code: 'AccessDenied', status: 403 },
    missing: { code: 'MissingAuthenticationToken', status: 403 },
  },
  ec2Query: {
    unknownKey: { code: 'AuthFailure', status: 401 },
    badSignature: { code: 'AuthFailure', status: 401 },
    expiredToken: { code: 'RequestExpired', status: 400 },
    accessDenied: { code: 'UnauthorizedOperation', status: 403 },
    missing: { code: 'MissingAuthenticationToken', status: 401 },
  },
  awsJson1_0: {
    unknownKey: { code: 'UnrecognizedClientException', status: 400 },
    badSignature: { code: 'InvalidSignatureException', status: 400 },
    expiredToken: { code: 'ExpiredTokenException', status: 400 },
    accessDenied: { code: 'AccessDeniedException', status: 400 },
    missing: { code: 'MissingAuthenticationTokenException', status: 400 },
  },
  awsJson1_1: {
    unknownKey: { code: 'UnrecognizedClientException', status: 400 },
    badSignature: { code: 'InvalidSignatureException', status: 400 },
    expiredToken: { code: 'ExpiredTokenException', status: 400 },
    accessDenied: { code: 'AccessDeniedException', status: 400 },
    missing: { code: 'MissingAuthenticationTokenException', status: 400 },
  },
  restJson1: {
    unknownKey: { code: 'UnrecognizedClientException', status: 403 },
    badSignature: { code: 'InvalidSignatureException', status: 403 },
    expiredToken: { code: 'ExpiredTokenException', status: 403 },
    accessDenied: { code: 'AccessDeniedException', status: 403 },
    missing: { code: 'MissingAuthenticationTokenException', status: 403 },
  },
  restXml: {
    unknownKey: { code: 'InvalidAccessKeyId', status: 403 },
    badSignature: { code: 'SignatureDoesNotMatch', status: 403 },
    expiredToken: { code: 'ExpiredToken', status: 400 },
    accessDenied: { code: 'AccessDenied', status: 403 },
    missing: { code: 'AccessDenied', status: 403 },
  },
};

export function authErrors(def: ServiceDefinition<unknown>) {
  return { ...byProtocol[def.protocol], ...def.authErrors };
}

const MESSAGES = {
  unknownKey: 'The security token included in the request is invalid.',
  s3UnknownKey: 'The AWS Access Key Id you provided does not exist in our records.',
  badSignature:
    'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
  expired: 'The security token included in the request is expired',
};

/**
 * Who is asking. Keys shaped like AWS's (AKIA…, ASIA…) must be ones the emulator issued, and their
 * signature is verified. Any other key is a root key: a 12-digit key is the root of that account,
 * anything else (the usual `test`) the root of 000000000000, as LocalStack does.
 */
export async function authenticate(
  emulator: Emulator,
  req: HttpRequest,
  auth: SigV4Auth | undefined,
  def: ServiceDefinition<unknown>,
): Promise<Principal> {
  const codes = authErrors(def);
  if (!auth) return anonymousPrincipal(DEFAULT_ACCOUNT);
  const key = auth.accessKeyId;
  if (!looksLikeAwsKey(key)) {
    return rootPrincipal(/^\d{12}$/.test(key) ? key : DEFAULT_ACCOUNT, key);
  }
  const fail = (which: 'unknownKey' | 'badSignature' | 'expiredToken', message: string): never => {
    throw new AwsError(codes[which].code, message, codes[which].status);
  };
  const unknownMessage = def.protocol === 'restXml' ? MESSAGES.s3UnknownKey : MESSAGES.unknownKey;
  const accountId = accountOfAccessKey(key);
  if (!accountId) return fail('unknownKey', unknownMessage);

  let secret: string;
  let principal: Principal;
  if (key.startsWith('AKIA')) {
    const found = await findAccessKey(emulator, accountId, key);
    if (!found || found.key.Status !== 'Active') return fail('unknownKey', unknownMessage);
    secret = found.key.SecretAccessKey;
    principal = {
      type: 'user',
      accountId,
      userName: found.user.UserName,
      userId: found.user.UserId,
      arn: found.user.Arn,
      accessKeyId: key,
    };
  } else {
    const session = await findSession(emulator, accountId, key);
    if (!session) return fail('unknownKey', unknownMessage);
    if (auth.sessionToken !== session.sessionToken) return fail('unknownKey', unknownMessage);
    if (session.expiration < emulator.clock.now()) return fail('expiredToken', MESSAGES.expired);
    secret = session.secretAccessKey;
    principal = { ...session.principal, accessKeyId: key } as Principal;
  }

  const result = verifySigV4(req, auth, secret);
  if (!result.ok) {
    const detail = emulator.options.verboseSignatureErrors && result.canonicalRequest
      ? `\n\nThe canonical string for this request should have been\n'${result.canonicalRequest}'\n\nThe String-to-Sign should have been\n'${result.stringToSign}'`
      : '';
    return fail('badSignature', MESSAGES.badSignature + detail);
  }
  if (auth.presigned) {
    const signedAt = parseAmzDate(auth.amzDate);
    const expires = auth.expiresSeconds ?? 900;
    if (!Number.isFinite(signedAt) || signedAt + expires * 1000 < emulator.clock.now()) {
      throw new AwsError(codes.accessDenied.code, 'Request has expired', 403);
    }
  }
  return principal;
}

/** The error for an unsigned request to an operation that needs credentials. */
export function missingAuthentication(def: ServiceDefinition<unknown>): AwsError {
  const m = byProtocol[def.protocol].missing;
  return new AwsError(m.code, 'Request is missing Authentication Token', m.status);
}
