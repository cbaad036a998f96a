import * as SQS from '@aws-sdk/client-sqs';
import * as STS from '@aws-sdk/client-sts';
import * as L from '@aws-sdk/client-cloudwatch-logs';
import { ms, report, spawnEmulator, stats, stop } from './lib.js';

const cfg = (endpoint: string) => ({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, maxAttempts: 1 });

async function timed(n: number, fn: () => Promise<unknown>): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await fn();
    out.push(performance.now() - t);
  }
  return out;
}

/**
 * Supporting services of issue 3, through the SDK against `awslings emulator` in its own process:
 * SQS send/receive and long-poll wake-up, CloudWatch Logs writes and filters. The baseline is
 * STS GetCallerIdentity in the same run (the cheapest call the emulator answers).
 */
export async function sqsBench(): Promise<void> {
  console.log('\nSQS and CloudWatch Logs (issue 3)');
  const e = await spawnEmulator();
  try {
    const sts = new STS.STSClient(cfg(e.url));
    const sqs = new SQS.SQSClient(cfg(e.url));
    const logs = new L.CloudWatchLogsClient(cfg(e.url));
    await timed(300, () => sts.send(new STS.GetCallerIdentityCommand({})));
    const base = stats(await timed(1000, () => sts.send(new STS.GetCallerIdentityCommand({})))).p50;

    const { QueueUrl } = await sqs.send(new SQS.CreateQueueCommand({ QueueName: 'bench' }));
    const attributes = { kind: { DataType: 'String', StringValue: 'order' } };
    await timed(300, () => sqs.send(new SQS.SendMessageCommand({ QueueUrl, MessageBody: 'warm', MessageAttributes: attributes })));
    await sqs.send(new SQS.PurgeQueueCommand({ QueueUrl }));
    const send = stats(await timed(1000, () => sqs.send(new SQS.SendMessageCommand({ QueueUrl, MessageBody: '{"order":42}', MessageAttributes: attributes }))));
    report('SQS SendMessage p50 (one client, sequential)', ms(send.p50), '< 3 ms', send.p50 < 3, `p99 ${ms(send.p99)}; GetCallerIdentity p50 ${ms(base)}, ratio ${(send.p50 / base).toFixed(2)}x`);

    const cycle = stats(
      await timed(500, async () => {
        const m = (await sqs.send(new SQS.ReceiveMessageCommand({ QueueUrl, MessageAttributeNames: ['All'] }))).Messages![0];
        await sqs.send(new SQS.DeleteMessageCommand({ QueueUrl, ReceiptHandle: m.ReceiptHandle }));
      }),
    );
    report('SQS ReceiveMessage + DeleteMessage p50 (1,000-message queue)', ms(cycle.p50), '< 6 ms', cycle.p50 < 6, `p99 ${ms(cycle.p99)}; two GetCallerIdentity ${ms(2 * base)}`);

    // Long polling: a receive waiting on an empty queue answers as soon as a send lands.
    const { QueueUrl: idle } = await sqs.send(new SQS.CreateQueueCommand({ QueueName: 'bench-idle' }));
    const receiver = new SQS.SQSClient(cfg(e.url));
    const wake: number[] = [];
    for (let i = 0; i < 50; i++) {
      const pending = receiver.send(new SQS.ReceiveMessageCommand({ QueueUrl: idle, WaitTimeSeconds: 5 }));
      await new Promise((r) => setTimeout(r, 20));
      await sqs.send(new SQS.SendMessageCommand({ QueueUrl: idle, MessageBody: 'ping' }));
      const sentAt = performance.now();
      const got = await pending;
      wake.push(performance.now() - sentAt);
      await sqs.send(new SQS.DeleteMessageCommand({ QueueUrl: idle, ReceiptHandle: got.Messages![0].ReceiptHandle }));
    }
    const w = stats(wake);
    report('SQS long poll: send response to receive response, p50', ms(w.p50), '< 10 ms', w.p50 < 10, `p99 ${ms(w.p99)} (50 polls)`);

    await logs.send(new L.CreateLogGroupCommand({ logGroupName: '/bench' }));
    await logs.send(new L.CreateLogStreamCommand({ logGroupName: '/bench', logStreamName: 's' }));
    let n = 0;
    const put = stats(
      await timed(1000, () =>
        logs.send(new L.PutLogEventsCommand({ logGroupName: '/bench', logStreamName: 's', logEvents: [{ timestamp: Date.now(), message: `INFO request ${n++} handled in 12 ms` }] })),
      ),
    );
    report('Logs PutLogEvents p50 (one event)', ms(put.p50), '< 3 ms', put.p50 < 3, `p99 ${ms(put.p99)}; GetCallerIdentity ratio ${(put.p50 / base).toFixed(2)}x`);
    for (let b = 0; b < 9; b++) {
      await logs.send(new L.PutLogEventsCommand({
        logGroupName: '/bench',
        logStreamName: 's',
        logEvents: Array.from({ length: 1000 }, (_, i) => ({ timestamp: Date.now(), message: i % 100 === 0 ? `ERROR request ${i} failed` : `INFO request ${i} ok` })),
      }));
    }
    const filt = stats(await timed(50, () => logs.send(new L.FilterLogEventsCommand({ logGroupName: '/bench', filterPattern: 'ERROR failed' }))));
    report('Logs FilterLogEvents over 10,000 events, p50', ms(filt.p50), '< 50 ms', filt.p50 < 50, `p99 ${ms(filt.p99)}`);
  } finally {
    await stop(e.child);
  }
}
