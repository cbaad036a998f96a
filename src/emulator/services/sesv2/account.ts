import type { GetAccountResponse } from '@aws-sdk/client-sesv2';
import { operation } from '../../core/service.js';
import { MAX_24_HOUR_SEND, MAX_SEND_RATE, sentLast24Hours, sesState } from '../ses/state.js';

/** A new account: in the sandbox, sending enabled, the account-level suppression list on. */
export const GetAccount = operation<object, GetAccountResponse>({
  handler: (_input, ctx) => ({
    DedicatedIpAutoWarmupEnabled: false,
    EnforcementStatus: 'HEALTHY',
    ProductionAccessEnabled: false,
    SendQuota: {
      Max24HourSend: MAX_24_HOUR_SEND,
      MaxSendRate: MAX_SEND_RATE,
      SentLast24Hours: sentLast24Hours(sesState(ctx), ctx.emulator.clock.now()),
    },
    SendingEnabled: true,
    SuppressionAttributes: { SuppressedReasons: ['BOUNCE', 'COMPLAINT'] },
  }),
});
