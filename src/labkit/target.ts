import type { AwsCredentialIdentity } from '@smithy/types';
import type { ClientConfig, TargetInfo } from './types.js';
import { EMULATOR_STATE_DIR } from '../common/paths.js';

export const DEFAULT_PORT = Number(process.env.AWSLINGS_PORT ?? 4566);
export const DEFAULT_REGION = 'us-east-1';
export const DEFAULT_ACCOUNT = '000000000000';

/** The emulator's URL for a port. 127.0.0.1 rather than localhost: S3 clients then address buckets by path, which Node can resolve. */
export const localEndpoint = (port: number): string => `http://127.0.0.1:${port}`;

export interface TargetOptions {
  /** `embedded` (default), `localstack`, `aws`, or an endpoint URL. */
  target?: string;
  port?: number;
  region?: string;
  /** The learner's account on the sandbox: root keys of this 12-digit account. */
  accountId?: string;
  /** Required for the `aws` target: the learner asked for a real account explicitly. */
  realAws?: boolean;
  /** For the embedded target: start an emulator in this process if none answers (default true). */
  startEmbedded?: boolean;
  stateDir?: string;
}

export interface ResolvedTarget {
  info: TargetInfo;
  /** Stops what resolving started (an in-process emulator). */
  close(): Promise<void>;
  /** Set when the embedded emulator runs inside this process. */
  embedded?: { stop(): Promise<void> };
}

export class TargetError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TargetError';
  }
}

export interface Health {
  services: Record<string, string>;
  awslings?: boolean;
}

async function probe(endpoint: string): Promise<Health | undefined> {
  try {
    const res = await fetch(`${endpoint}/_localstack/health`, { signal: AbortSignal.timeout(1500) });
    if (!res.ok) return undefined;
    return (await res.json()) as Health;
  } catch {
    return undefined;
  }
}

export function rootCredentials(accountId: string): AwsCredentialIdentity {
  // Root keys: `test` is account 000000000000; a 12-digit key is the root of that account.
  return { accessKeyId: accountId === DEFAULT_ACCOUNT ? 'test' : accountId, secretAccessKey: 'test' };
}

/**
 * The services a target offers, from its health check, plus the capabilities of CAPABILITIES it has:
 * the awslings sandbox has them all; LocalStack, whose free edition accepts every call, has no IAM
 * enforcement but keeps sent mail. A check that names a missing one is skipped with the reason.
 */
export const availableServices = (h: Health): Set<string> => {
  const set = new Set(Object.entries(h.services ?? {}).filter(([, s]) => /available|running/.test(s)).map(([k]) => k));
  if (h.awslings) for (const c of ['iam-enforcement', ...SANDBOX_ONLY]) set.add(c);
  else if (set.has('ses')) set.add('mail-outbox'); // LocalStack keeps sent mail at /_aws/ses
  return set;
};

/**
 * Capabilities only the awslings sandbox has, which a check can name in its `services`: on a real
 * account (and elsewhere) such a check is skipped with the reason, rather than failed.
 */
export const CAPABILITIES: Record<string, string> = {
  'iam-enforcement': 'IAM enforcement (requests that IAM would deny are let through)',
  'sandbox-accounts': 'other accounts to act from (a real check would need the keys of a second account)',
  'stand-in-idps': "the stand-in Google and Facebook sign-in pages (a real check would need a person at Google's page)",
  'mail-outbox': 'a mailbox the checker can read (real mail goes to real inboxes)',
};
const SANDBOX_ONLY = ['sandbox-accounts', 'stand-in-idps', 'mail-outbox'];

export async function resolveTarget(opts: TargetOptions = {}): Promise<ResolvedTarget> {
  const name = opts.target ?? process.env.AWSLINGS_TARGET ?? 'embedded';
  const region = opts.region ?? DEFAULT_REGION;
  const accountId = opts.accountId ?? DEFAULT_ACCOUNT;
  const port = opts.port ?? DEFAULT_PORT;

  if (name === 'embedded') {
    const info = (endpoint: string, h: Health): TargetInfo => ({
      name,
      endpoint,
      region,
      accountId,
      credentials: rootCredentials(accountId),
      services: availableServices(h),
      isAwslings: true,
    });
    const health = port ? await probe(localEndpoint(port)) : undefined;
    if (health) {
      if (!health.awslings) {
        throw new TargetError(
          `Port ${port} answers, but it is not the awslings sandbox (LocalStack?). Use --target localstack to run against it, or start awslings on another port: AWSLINGS_PORT=4567 npm start`,
        );
      }
      return { info: info(localEndpoint(port), health), close: async () => undefined };
    }
    if (opts.startEmbedded === false) {
      throw new TargetError(`The awslings sandbox is not running on port ${port}. Start it with: npm start`);
    }
    const { startEmulator } = await import('../emulator/index.js');
    let running;
    try {
      running = await startEmulator({ port, stateDir: opts.stateDir ?? EMULATOR_STATE_DIR });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EADDRINUSE') {
        throw new TargetError(`Port ${port} is in use by something that is not an AWS emulator. Free it, or use AWSLINGS_PORT=<another port>.`);
      }
      throw e;
    }
    const endpoint = localEndpoint(running.port);
    const h = (await probe(endpoint)) ?? { services: {} };
    const stop = () => running.close();
    return { info: info(endpoint, h), close: stop, embedded: { stop } };
  }

  if (name === 'localstack') {
    const endpoint = `http://localhost:${port}`;
    const health = await probe(endpoint);
    if (!health) {
      throw new TargetError(`LocalStack does not answer on ${endpoint}. Start it with: docker compose up -d   (it needs Docker)`);
    }
    return {
      info: { name, endpoint, region, accountId, credentials: rootCredentials(accountId), services: availableServices(health), isAwslings: !!health.awslings },
      close: async () => undefined,
    };
  }

  if (name === 'aws') {
    if (!opts.realAws) {
      throw new TargetError(
        'The aws target creates real resources in a real AWS account, which may cost money. Add --real-aws to confirm; afterwards, `npx awslings reset <lab> --target aws --real-aws` deletes what a lab made.',
      );
    }
    const { STSClient, GetCallerIdentityCommand } = await import('@aws-sdk/client-sts');
    const sts = new STSClient({ region });
    const who = await sts.send(new GetCallerIdentityCommand({})).catch((e: Error) => {
      throw new TargetError(`No usable AWS credentials (${e.message}). Configure them as for the AWS CLI (aws configure, or AWS_PROFILE).`);
    });
    const credentials = await sts.config.credentials();
    return {
      info: { name, region, accountId: who.Account!, credentials, services: undefined, isAwslings: false },
      close: async () => undefined,
    };
  }

  if (/^https?:\/\//.test(name)) {
    const endpoint = name.replace(/\/$/, '');
    const health = await probe(endpoint);
    return {
      info: {
        name,
        endpoint,
        region,
        accountId,
        credentials: rootCredentials(accountId),
        services: health ? availableServices(health) : undefined,
        isAwslings: !!health?.awslings,
      },
      close: async () => undefined,
    };
  }

  throw new TargetError(`Unknown target "${name}". Use embedded (default), localstack, aws (with --real-aws), or an endpoint URL.`);
}

/** SDK client config for a target. */
export function clientConfig(target: TargetInfo, overrides: { credentials?: AwsCredentialIdentity; region?: string } = {}): ClientConfig {
  const cfg: ClientConfig & { forcePathStyle?: boolean } = {
    region: overrides.region ?? target.region,
    credentials: overrides.credentials ?? target.credentials,
    maxAttempts: 2,
  };
  if (target.endpoint) {
    cfg.endpoint = target.endpoint;
    cfg.forcePathStyle = true;
  }
  return cfg;
}

/** The environment a child process (a deploy script, the page's terminal) needs to reach the target as the learner. */
export function targetEnv(target: TargetInfo): Record<string, string> {
  const env: Record<string, string> = {
    AWS_REGION: target.region,
    AWS_DEFAULT_REGION: target.region,
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    AWS_PAGER: '',
  };
  if (target.endpoint) env.AWS_ENDPOINT_URL = target.endpoint;
  env.AWS_ACCESS_KEY_ID = target.credentials.accessKeyId;
  env.AWS_SECRET_ACCESS_KEY = target.credentials.secretAccessKey;
  if (target.credentials.sessionToken) env.AWS_SESSION_TOKEN = target.credentials.sessionToken;
  return env;
}

/** Which of these services the target lacks (empty when it has them all or cannot tell). */
export function missingServices(target: TargetInfo, services: string[]): string[] {
  if (!target.services) return target.isAwslings ? [] : services.filter((s) => SANDBOX_ONLY.includes(s));
  return services.filter((s) => !target.services!.has(s));
}
