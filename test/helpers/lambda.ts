import { strToU8, zipSync } from 'fflate';
import * as IAM from '@aws-sdk/client-iam';
import * as Lambda from '@aws-sdk/client-lambda';

/** A deployment package: file name → source text. */
export function zip(files: Record<string, string>): Uint8Array {
  return zipSync(Object.fromEntries(Object.entries(files).map(([name, text]) => [name, strToU8(text)])));
}

export const LAMBDA_TRUST = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
});

export const BASIC_EXECUTION = 'arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole';

/** An execution role Lambda may assume, with managed policies and an inline policy if given. */
export async function executionRole(iam: IAM.IAMClient, name: string, opts: { managed?: string[]; inline?: object } = {}): Promise<string> {
  const r = await iam.send(new IAM.CreateRoleCommand({ RoleName: name, AssumeRolePolicyDocument: LAMBDA_TRUST }));
  for (const arn of opts.managed ?? []) await iam.send(new IAM.AttachRolePolicyCommand({ RoleName: name, PolicyArn: arn }));
  if (opts.inline) await iam.send(new IAM.PutRolePolicyCommand({ RoleName: name, PolicyName: 'inline', PolicyDocument: JSON.stringify(opts.inline) }));
  return r.Role!.Arn!;
}

export interface FunctionOptions extends Partial<Omit<Lambda.CreateFunctionRequest, 'Code'>> {
  files?: Record<string, string>;
}

/** Creates a Node.js function from source files (index.mjs exporting `handler` by default). */
export function createFunction(lambda: Lambda.LambdaClient, name: string, role: string, code: string | Record<string, string>, opts: Omit<FunctionOptions, 'files'> = {}) {
  const files = typeof code === 'string' ? { 'index.mjs': code } : code;
  return lambda.send(
    new Lambda.CreateFunctionCommand({ FunctionName: name, Runtime: 'nodejs20.x', Role: role, Handler: 'index.handler', Code: { ZipFile: zip(files) }, ...opts }),
  );
}

export const text = (payload: Uint8Array | undefined) => Buffer.from(payload ?? new Uint8Array()).toString('utf8');
export const json = (payload: Uint8Array | undefined) => JSON.parse(text(payload)) as any;
export const tail = (logResult: string | undefined) => Buffer.from(logResult ?? '', 'base64').toString('utf8');

/** Polls until `fn` returns something truthy (or throws its last error). */
export async function eventually<T>(fn: () => Promise<T | undefined | false>, timeoutMs = 10_000, everyMs = 50): Promise<T> {
  const end = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
      last = undefined;
    } catch (e) {
      last = e;
    }
    if (Date.now() > end) throw last instanceof Error ? last : new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
