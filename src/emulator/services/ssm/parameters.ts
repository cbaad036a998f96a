import type {
  DeleteParameterRequest,
  DeleteParameterResult,
  DeleteParametersRequest,
  DeleteParametersResult,
  DescribeParametersRequest,
  DescribeParametersResult,
  GetParameterHistoryRequest,
  GetParameterHistoryResult,
  GetParameterRequest,
  GetParameterResult,
  GetParametersByPathRequest,
  GetParametersByPathResult,
  GetParametersRequest,
  GetParametersResult,
  Parameter,
  PutParameterRequest,
  PutParameterResult,
} from '@aws-sdk/client-ssm';
import { AwsError } from '../../core/errors.js';
import { operation, type RequestContext } from '../../core/service.js';
import { ssmState, type SsmParameter } from './state.js';

const arnOf = (ctx: RequestContext, name: string) => `arn:aws:ssm:${ctx.region}:${ctx.accountId}:parameter${name.startsWith('/') ? '' : '/'}${name}`;
const notFound = (name?: string) => new AwsError('ParameterNotFound', name ? `Parameter ${name} not found.` : 'Parameter not found.', 400);

/** A name, or a name with a version (`name:3`); SSM also takes a parameter's ARN. */
function parseSelector(ctx: RequestContext, raw: string): { name: string; version?: number } {
  let s = raw;
  const arnPrefix = `arn:aws:ssm:${ctx.region}:${ctx.accountId}:parameter`;
  if (s.startsWith(arnPrefix)) {
    s = s.slice(arnPrefix.length);
    if (!s.slice(1).includes('/')) s = s.slice(1);
  }
  const m = /^(.*):(\d+)$/.exec(s);
  return m ? { name: m[1], version: Number(m[2]) } : { name: s };
}

function checkName(name: string): void {
  if (!/^[a-zA-Z0-9_.\-/]+$/.test(name) || name.length > 2048) {
    throw new AwsError(
      'ValidationException',
      'Parameter name: can\'t be prefixed with "aws" or "ssm" (case-insensitive). If formed as a path, it can consist of sub-paths divided by slash symbol; each sub-path can be formed as a mix of letters, numbers and the following 3 symbols .-_',
      400,
    );
  }
  if (/^\/?(aws|ssm)/i.test(name)) {
    throw new AwsError('ValidationException', 'Parameter name: can\'t be prefixed with "aws" or "ssm" (case-insensitive).', 400);
  }
  if (name.includes('/') && !name.startsWith('/')) {
    throw new AwsError('ValidationException', 'Parameter name must be a fully qualified name.', 400);
  }
}

/** SecureString values read without decryption come back as an opaque ciphertext, as SSM's do. */
const cipher = (value: string) => Buffer.from(`awslings-kms:alias/aws/ssm:${value}`).toString('base64');

function view(p: SsmParameter, version: number | undefined, decrypt: boolean | undefined): Parameter {
  const v = version === undefined ? undefined : p.history.find((h) => h.Version === version);
  if (version !== undefined && !v) throw new AwsError('ParameterVersionNotFound', `Systems Manager could not find version ${version} of ${p.Name}. Verify the version and try again.`, 400);
  const value = v?.Value ?? p.Value;
  return {
    Name: p.Name,
    Type: p.Type,
    Value: p.Type === 'SecureString' && !decrypt ? cipher(value) : value,
    Version: v?.Version ?? p.Version,
    Selector: version !== undefined ? `:${version}` : undefined,
    LastModifiedDate: new Date(v?.LastModifiedDate ?? p.LastModifiedDate),
    ARN: p.ARN,
    DataType: p.DataType,
  };
}

export const PutParameter = operation<PutParameterRequest, PutParameterResult>({
  handler(input, ctx) {
    const state = ssmState(ctx);
    const name = input.Name!;
    checkName(name);
    const value = input.Value!;
    if (value.length > (input.Tier === 'Advanced' ? 8192 : 4096)) {
      throw new AwsError('ValidationException', `1 validation error detected: Value at 'value' failed to satisfy constraint: Member must have length less than or equal to ${input.Tier === 'Advanced' ? 8192 : 4096}`, 400);
    }
    const existing = state.parameters[name];
    if (existing && !input.Overwrite) {
      throw new AwsError('ParameterAlreadyExists', 'The parameter already exists. To overwrite this value, set the overwrite option in the request to true.', 400);
    }
    if (existing && input.Tags?.length) {
      throw new AwsError('ValidationException', 'Invalid request: tags and overwrite can\'t be used together. To create a parameter with tags, please remove overwrite flag. To update tags for an existing parameter, please use AddTagsToResource or RemoveTagsFromResource.', 400);
    }
    const pattern = input.AllowedPattern ?? existing?.AllowedPattern;
    if (pattern && !new RegExp(pattern).test(value)) {
      throw new AwsError('ParameterPatternMismatchException', `Parameter value, cannot be validated against allowedPattern: ${pattern}`, 400);
    }
    const type = (input.Type ?? existing?.Type ?? 'String') as SsmParameter['Type'];
    if (!existing && !input.Type) throw new AwsError('ValidationException', 'A parameter type is required when you create a parameter.', 400);
    const version = (existing?.Version ?? 0) + 1;
    const now = new Date(ctx.emulator.clock.now()).toISOString();
    const p: SsmParameter = {
      Name: name,
      Type: type,
      Value: value,
      Version: version,
      LastModifiedDate: now,
      ARN: arnOf(ctx, name),
      DataType: input.DataType ?? existing?.DataType ?? 'text',
      Description: input.Description ?? existing?.Description,
      AllowedPattern: pattern,
      Tier: (input.Tier as SsmParameter['Tier'] | undefined) ?? existing?.Tier ?? 'Standard',
      KeyId: type === 'SecureString' ? (input.KeyId ?? existing?.KeyId ?? 'alias/aws/ssm') : undefined,
      Tags: existing?.Tags ?? (input.Tags ?? []).map((t) => ({ Key: t.Key!, Value: t.Value ?? '' })),
      history: [...(existing?.history ?? []), { Value: value, Version: version, LastModifiedDate: now, Description: input.Description, Labels: [] }],
    };
    state.parameters[name] = p;
    return { Version: version, Tier: p.Tier };
  },
});

export const GetParameter = operation<GetParameterRequest, GetParameterResult>({
  handler(input, ctx) {
    const { name, version } = parseSelector(ctx, input.Name!);
    const p = ssmState(ctx).parameters[name];
    if (!p) throw notFound(input.Name);
    return { Parameter: view(p, version, input.WithDecryption) };
  },
});

export const GetParameters = operation<GetParametersRequest, GetParametersResult>({
  handler(input, ctx) {
    const state = ssmState(ctx);
    const out: Parameter[] = [];
    const invalid: string[] = [];
    for (const raw of input.Names ?? []) {
      const { name, version } = parseSelector(ctx, raw);
      const p = state.parameters[name];
      if (!p || (version !== undefined && !p.history.some((h) => h.Version === version))) invalid.push(raw);
      else out.push(view(p, version, input.WithDecryption));
    }
    return { Parameters: out, InvalidParameters: invalid };
  },
});

/** SSM's NextToken: an opaque offset. */
const page = <T>(items: T[], token: string | undefined, max: number | undefined, limit: number) => {
  const start = token ? Number(Buffer.from(token, 'base64').toString('utf8')) || 0 : 0;
  const n = Math.min(max ?? limit, limit);
  const slice = items.slice(start, start + n);
  return { slice, next: start + n < items.length ? Buffer.from(String(start + n)).toString('base64') : undefined };
};

export const GetParametersByPath = operation<GetParametersByPathRequest, GetParametersByPathResult>({
  handler(input, ctx) {
    const path = input.Path!.endsWith('/') ? input.Path! : input.Path! + '/';
    const matches = Object.values(ssmState(ctx).parameters)
      .filter((p) => p.Name.startsWith(path) && (input.Recursive || !p.Name.slice(path.length).includes('/')))
      .sort((a, b) => (a.Name < b.Name ? -1 : 1));
    const { slice, next } = page(matches, input.NextToken, input.MaxResults, 10);
    return { Parameters: slice.map((p) => view(p, undefined, input.WithDecryption)), NextToken: next };
  },
});

export const GetParameterHistory = operation<GetParameterHistoryRequest, GetParameterHistoryResult>({
  handler(input, ctx) {
    const p = ssmState(ctx).parameters[parseSelector(ctx, input.Name!).name];
    if (!p) throw notFound(input.Name);
    const { slice, next } = page(p.history, input.NextToken, input.MaxResults, 50);
    return {
      Parameters: slice.map((h) => ({
        Name: p.Name,
        Type: p.Type,
        Value: p.Type === 'SecureString' && !input.WithDecryption ? cipher(h.Value) : h.Value,
        Version: h.Version,
        LastModifiedDate: new Date(h.LastModifiedDate),
        Description: h.Description,
        Labels: h.Labels,
        Tier: p.Tier,
        DataType: p.DataType,
        KeyId: p.KeyId,
      })),
      NextToken: next,
    };
  },
});

export const DescribeParameters = operation<DescribeParametersRequest, DescribeParametersResult>({
  handler(input, ctx) {
    let items = Object.values(ssmState(ctx).parameters).sort((a, b) => (a.Name < b.Name ? -1 : 1));
    for (const f of input.ParameterFilters ?? []) {
      const values = f.Values ?? [];
      const option = f.Option ?? 'Equals';
      const test = (v: string) => values.some((x) => (option === 'BeginsWith' ? v.startsWith(x) : option === 'Contains' ? v.includes(x) : v === x));
      if (f.Key === 'Name') items = items.filter((p) => test(p.Name) || test(p.Name.replace(/^\//, '')));
      else if (f.Key === 'Type') items = items.filter((p) => test(p.Type));
      else if (f.Key === 'Path') {
        items = items.filter((p) => values.some((v) => {
          const base = v.endsWith('/') ? v : v + '/';
          return p.Name.startsWith(base) && (option === 'Recursive' || !p.Name.slice(base.length).includes('/'));
        }));
      }
    }
    const { slice, next } = page(items, input.NextToken, input.MaxResults, 50);
    return {
      Parameters: slice.map((p) => ({
        Name: p.Name,
        ARN: p.ARN,
        Type: p.Type,
        KeyId: p.KeyId,
        LastModifiedDate: new Date(p.LastModifiedDate),
        Description: p.Description,
        AllowedPattern: p.AllowedPattern,
        Version: p.Version,
        Tier: p.Tier,
        Policies: [],
        DataType: p.DataType,
      })),
      NextToken: next,
    };
  },
});

export const DeleteParameter = operation<DeleteParameterRequest, DeleteParameterResult>({
  handler(input, ctx) {
    const state = ssmState(ctx);
    if (!state.parameters[input.Name!]) throw notFound();
    delete state.parameters[input.Name!];
    return {};
  },
});

export const DeleteParameters = operation<DeleteParametersRequest, DeleteParametersResult>({
  handler(input, ctx) {
    const state = ssmState(ctx);
    const deleted: string[] = [];
    const invalid: string[] = [];
    for (const n of input.Names ?? []) {
      if (state.parameters[n]) {
        delete state.parameters[n];
        deleted.push(n);
      } else invalid.push(n);
    }
    return { DeletedParameters: deleted, InvalidParameters: invalid };
  },
});
