import type { AddPermissionRequest, RemovePermissionRequest } from '@aws-sdk/client-sqs';
import { operation } from '../../core/service.js';
import { invalidValue } from './errors.js';
import { getQueue, queueAuthorization, type SqsQueue } from './state.js';

interface Statement {
  Sid?: string;
  [k: string]: unknown;
}
interface QueuePolicy {
  Version: string;
  Id: string;
  Statement: Statement[];
}

function policyOf(q: SqsQueue): QueuePolicy {
  if (q.attributes.Policy) {
    try {
      const p = JSON.parse(q.attributes.Policy) as QueuePolicy;
      if (Array.isArray(p.Statement)) return p;
      if (p.Statement) return { ...p, Statement: [p.Statement as Statement] };
    } catch {
      /* a policy that is not JSON cannot be set; start afresh */
    }
  }
  return { Version: '2008-10-17', Id: `${q.arn}/SQSDefaultPolicy`, Statement: [] };
}

const one = <T>(items: T[]): T | T[] => (items.length === 1 ? items[0] : items);

/** AddPermission writes a statement into the queue's policy, which IAM then evaluates for other accounts. */
export const AddPermission = operation<AddPermissionRequest, object>({
  authorize: (i, ctx) => queueAuthorization(ctx, 'sqs:AddPermission', i.QueueUrl),
  handler(input, ctx) {
    const q = getQueue(ctx, input.QueueUrl);
    const label = input.Label!;
    if (!/^[\w-]{1,80}$/.test(label)) throw invalidValue(label, 'Label', 'Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length.');
    const policy = policyOf(q);
    if (policy.Statement.some((s) => s.Sid === label)) throw invalidValue(label, 'Label', 'Already exists.');
    policy.Statement.push({
      Sid: label,
      Effect: 'Allow',
      Principal: { AWS: one((input.AWSAccountIds ?? []).map((a) => `arn:aws:iam::${a}:root`)) },
      Action: one((input.Actions ?? []).map((a) => `SQS:${a}`)),
      Resource: q.arn,
    });
    q.attributes.Policy = JSON.stringify(policy);
    q.modifiedAt = ctx.emulator.clock.now();
    return {};
  },
});

export const RemovePermission = operation<RemovePermissionRequest, object>({
  authorize: (i, ctx) => queueAuthorization(ctx, 'sqs:RemovePermission', i.QueueUrl),
  handler(input, ctx) {
    const q = getQueue(ctx, input.QueueUrl);
    const policy = policyOf(q);
    const kept = policy.Statement.filter((s) => s.Sid !== input.Label);
    if (kept.length === policy.Statement.length) throw invalidValue(input.Label, 'Label', "can't find label.");
    if (kept.length) q.attributes.Policy = JSON.stringify({ ...policy, Statement: kept });
    else delete q.attributes.Policy;
    q.modifiedAt = ctx.emulator.clock.now();
    return {};
  },
});
