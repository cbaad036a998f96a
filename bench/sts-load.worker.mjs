// A bench worker thread: `clients` STS SDK clients calling GetCallerIdentity as fast as they can,
// so that the SDK clients' own work (signing, XML parsing) spreads over the machine's cores as it
// would across learners' processes. Plain JavaScript: worker threads start without a TS loader.
import { parentPort, workerData } from 'node:worker_threads';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';

const { url, clients, warmMs } = workerData;
const all = Array.from({ length: clients }, () => new STSClient({ endpoint: url, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, maxAttempts: 1 }));

async function run(ms) {
  const latencies = [];
  const end = performance.now() + ms;
  await Promise.all(
    all.map(async (c) => {
      while (performance.now() < end) {
        const s = performance.now();
        await c.send(new GetCallerIdentityCommand({}));
        latencies.push(performance.now() - s);
      }
    }),
  );
  return latencies;
}

await run(warmMs);
parentPort.postMessage({ type: 'warm' });
parentPort.on('message', async ({ durationMs }) => {
  const t0 = performance.now();
  const latencies = await run(durationMs);
  parentPort.postMessage({ type: 'done', latencies, seconds: (performance.now() - t0) / 1000 });
});
