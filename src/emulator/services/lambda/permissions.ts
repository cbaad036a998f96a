import type { AddPermissionRequest, AddPermissionResponse, GetPolicyRequest, GetPolicyResponse, RemovePermissionRequest } from '@aws-sdk/client-lambda';
import { evaluate } from '../../auth/policy.js';
import { AwsError } from '../../core/errors.js';
import { uuid } from '../../core/ids.js';
import { operation } from '../../core/service.js';
import type { Emulator } from '../../emulator.js';
import {
  authorizeFunction,
  conflict,
  findFunction,
  functionArn,
  functionNotFound,
  invalidParameter,
  isVersionNumber,
  notFound,
  parseFunctionName,
  preconditionFailed,
  resourcePolicyFor,
  validationError,
  type FunctionRef,
} from './common.js';
import type { FunctionRecord, PolicyStatement } from './state.js';

const noSuchResource = () => notFound('The resource you requested does not exist.');

/** A qualifier a policy can be attached to: a published version or an alias (the function's own policy covers $LATEST). */
function checkQualifier(fn: FunctionRecord, ref: FunctionRef): void {
  const q = ref.qualifier;
  if (q === undefined) return;
  if (q === '$LATEST') throw invalidParameter('We currently do not support adding policies for $LATEST.');
  if (fn.versions[q]) return;
  if (!isVersionNumber(q) && fn.aliases[q]) return;
  if (!isVersionNumber(q) && !/\$/.test(q)) throw notFound(`Cannot find alias arn: ${functionArn(ref.region, ref.accountId, ref.name, q)}`);
  throw functionNotFound(functionArn(ref.region, ref.accountId, ref.name, q));
}

/** Lambda's translation of AddPermission's Principal into a policy principal. */
function principalOf(p: string): PolicyStatement['Principal'] {
  if (p === '*') return '*';
  if (/^\d{12}$/.test(p)) return { AWS: `arn:aws:iam::${p}:root` };
  if (/^arn:aws[\w-]*:iam::\d{12}:/.test(p)) return { AWS: p };
  if (/^[a-z0-9-]+(\.[a-z0-9-]+)+$/.test(p)) return { Service: p };
  throw invalidParameter('The provided principal was invalid. Please check the principal and try again.');
}

export const AddPermission = operation<AddPermissionRequest, AddPermissionResponse>({
  authorize: authorizeFunction('lambda:AddPermission'),
  handler(input, ctx) {
    if (!/^[a-zA-Z0-9-_]+$/.test(input.StatementId!)) {
      throw validationError(input.StatementId!, 'statementId', 'Member must satisfy regular expression pattern: ([a-zA-Z0-9-_]+)');
    }
    if (!/^(lambda:[*]|lambda:[a-zA-Z]+|[*])$/.test(input.Action!)) {
      throw validationError(input.Action!, 'action', 'Member must satisfy regular expression pattern: (lambda:[*]|lambda:[a-zA-Z]+|[*])');
    }
    const ref = parseFunctionName(ctx, input.FunctionName, input.Qualifier);
    const fn = findFunction(ctx, ref);
    if (!fn) throw functionNotFound(functionArn(ref.region, ref.accountId, ref.name, ref.qualifier));
    checkQualifier(fn, ref);
    const key = ref.qualifier ?? '';
    const policy = fn.policies[key];
    if (input.RevisionId !== undefined && input.RevisionId !== policy?.RevisionId) throw preconditionFailed('GetPolicy');
    if (policy?.Statement.some((s) => s.Sid === input.StatementId)) {
      throw conflict(`The statement id (${input.StatementId}) provided already exists. Please provide a new statement id, or remove the existing statement.`);
    }
    const equals: Record<string, string> = {};
    if (input.SourceAccount) equals['AWS:SourceAccount'] = input.SourceAccount;
    if (input.EventSourceToken) equals['lambda:EventSourceToken'] = input.EventSourceToken;
    if (input.FunctionUrlAuthType) equals['lambda:FunctionUrlAuthType'] = input.FunctionUrlAuthType;
    if (input.PrincipalOrgID) equals['aws:PrincipalOrgID'] = input.PrincipalOrgID;
    const condition: Record<string, Record<string, string>> = {};
    if (Object.keys(equals).length) condition.StringEquals = equals;
    if (input.SourceArn) condition.ArnLike = { 'AWS:SourceArn': input.SourceArn };
    if (input.InvokedViaFunctionUrl) condition.Bool = { 'lambda:InvokedViaFunctionUrl': 'true' };
    const statement: PolicyStatement = {
      Sid: input.StatementId!,
      Effect: 'Allow',
      Principal: principalOf(input.Principal!),
      Action: input.Action!,
      Resource: functionArn(ref.region, ref.accountId, ref.name, ref.qualifier),
      ...(Object.keys(condition).length ? { Condition: condition } : {}),
    };
    fn.policies[key] = { Statement: [...(policy?.Statement ?? []), statement], RevisionId: uuid() };
    return { Statement: JSON.stringify(statement) };
  },
});

export const GetPolicy = operation<GetPolicyRequest, GetPolicyResponse>({
  authorize: authorizeFunction('lambda:GetPolicy'),
  handler(input, ctx) {
    const ref = parseFunctionName(ctx, input.FunctionName, input.Qualifier);
    const policy = findFunction(ctx, ref)?.policies[ref.qualifier === '$LATEST' ? '' : (ref.qualifier ?? '')];
    if (!policy?.Statement.length) throw noSuchResource();
    return { Policy: JSON.stringify({ Version: '2012-10-17', Id: 'default', Statement: policy.Statement }), RevisionId: policy.RevisionId };
  },
});

export const RemovePermission = operation<RemovePermissionRequest, void>({
  authorize: authorizeFunction('lambda:RemovePermission'),
  handler(input, ctx) {
    const ref = parseFunctionName(ctx, input.FunctionName, input.Qualifier);
    const fn = findFunction(ctx, ref);
    if (!fn) throw notFound(`No policy found for: ${functionArn(ref.region, ref.accountId, ref.name, ref.qualifier)}`);
    if (ref.qualifier && ref.qualifier !== '$LATEST' && !fn.versions[ref.qualifier] && !fn.aliases[ref.qualifier]) checkQualifier(fn, ref);
    const key = ref.qualifier === '$LATEST' ? '' : (ref.qualifier ?? '');
    const policy = fn.policies[key];
    if (!policy?.Statement.length) throw notFound('No policy is associated with the given resource.');
    if (input.RevisionId !== undefined && input.RevisionId !== policy.RevisionId) throw preconditionFailed('GetPolicy');
    if (!policy.Statement.some((s) => s.Sid === input.StatementId)) throw notFound(`Statement ${input.StatementId} is not found in resource policy.`);
    const rest = policy.Statement.filter((s) => s.Sid !== input.StatementId);
    if (rest.length) fn.policies[key] = { Statement: rest, RevisionId: uuid() };
    else delete fn.policies[key];
  },
});

export interface InvokePermissionRequest {
  accountId: string;
  region: string;
  /** A name or an ARN. */
  functionName: string;
  qualifier?: string;
  /** The service principal that invokes (`apigateway.amazonaws.com`, `s3.amazonaws.com`...). */
  principal: string;
  /** The resource that triggers the invocation (an API's execute-api ARN, a bucket...): aws:SourceArn. */
  sourceArn?: string;
  /** aws:SourceAccount; the function's account when left out. */
  sourceAccount?: string;
  action?: string;
}

/**
 * Whether a function's resource policy lets an AWS service invoke it, as Lambda checks when API
 * Gateway, S3, SNS, EventBridge... invoke a function for a trigger (AddPermission grants this).
 * Services call this before `invokeFunction`; a denial is AWS's AccessDeniedException.
 */
export async function checkInvokePermission(emulator: Emulator, req: InvokePermissionRequest): Promise<void> {
  await emulator.service('lambda');
  const ctx = { emulator, accountId: req.accountId, region: req.region };
  const ref = parseFunctionName(ctx, req.functionName, req.qualifier);
  const fn = findFunction(ctx, ref);
  const q = ref.qualifier && ref.qualifier !== '$LATEST' ? ref.qualifier : undefined;
  const resource = functionArn(ref.region, ref.accountId, ref.name, q);
  const action = req.action ?? 'lambda:InvokeFunction';
  const policy = resourcePolicyFor(fn, ref.qualifier);
  const context: Record<string, string> = { 'aws:SourceAccount': req.sourceAccount ?? ref.accountId };
  if (req.sourceArn) context['aws:SourceArn'] = req.sourceArn;
  const ev = policy
    ? await evaluate({ principal: req.principal, action, resource, resourceAccount: ref.accountId, policies: { identity: [] }, resourcePolicy: policy, context })
    : undefined;
  emulator.decisions.add({
    time: new Date(emulator.clock.now()).toISOString(),
    accountId: ref.accountId,
    principal: req.principal,
    principalType: 'service',
    service: 'lambda',
    operation: 'Invoke',
    action,
    resource,
    result: ev?.result ?? 'ImplicitlyDenied',
    reason: ev ? ev.reason : 'the function has no resource policy',
    statements: ev?.statements ?? [],
  });
  if (ev?.result !== 'Allowed') {
    throw new AwsError('AccessDeniedException', `User: ${req.principal} is not authorized to perform: ${action} on resource: ${resource} because no resource-based policy allows the ${action} action`, 403);
  }
}
