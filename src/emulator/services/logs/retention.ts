import type { DeleteRetentionPolicyRequest, PutRetentionPolicyRequest } from '@aws-sdk/client-cloudwatch-logs';
import { operation } from '../../core/service.js';
import { groupAuthorization } from './logGroups.js';
import { dropExpired, getGroup, invalidParameter } from './state.js';

export const RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653];

/**
 * Retention is applied for real: events older than the period are deleted when it is set (AWS
 * takes up to three days), stop being returned as they age past it, and are dropped from the state
 * on their stream's next write.
 */
export const PutRetentionPolicy = operation<PutRetentionPolicyRequest, object>({
  authorize: (i, ctx) => groupAuthorization(ctx, 'logs:PutRetentionPolicy', i),
  handler(input, ctx) {
    const days = input.retentionInDays!;
    if (!RETENTION_DAYS.includes(days)) {
      throw invalidParameter(
        `1 validation error detected: Value '${days}' at 'retentionInDays' failed to satisfy constraint: Member must satisfy enum value set: [${RETENTION_DAYS.join(', ')}]`,
      );
    }
    const g = getGroup(ctx, input);
    g.retentionInDays = days;
    for (const s of Object.values(g.streams)) dropExpired(g, s, ctx.emulator.clock.now());
    return {};
  },
});

export const DeleteRetentionPolicy = operation<DeleteRetentionPolicyRequest, object>({
  authorize: (i, ctx) => groupAuthorization(ctx, 'logs:DeleteRetentionPolicy', i),
  handler(input, ctx) {
    delete getGroup(ctx, input).retentionInDays;
    return {};
  },
});
