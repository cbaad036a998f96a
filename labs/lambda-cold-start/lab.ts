import { IAMClient } from '@aws-sdk/client-iam';
import {
  DeleteFunctionCommand,
  GetAliasCommand,
  GetFunctionConfigurationCommand,
  GetProvisionedConcurrencyConfigCommand,
  InvokeCommand,
  LambdaClient,
  UpdateFunctionConfigurationCommand,
  type GetProvisionedConcurrencyConfigCommandOutput,
} from '@aws-sdk/client-lambda';
import { assert, decodePayload, defineLab, deleteRoleCompletely, eventually, waitForFunctionActive, type CheckContext } from 'awslings/labkit';

const FUNCTION = 'sentiment';
const ROLE = 'sentiment-role';
const ALIAS = 'live';
const PROVISIONED = 2;

/**
 * The model takes 400 ms to load (model.ts waits that long: a timer never fires early, so any
 * invocation that loads it lasts at least 400 ms, on any machine). A warm invocation that reuses it
 * does a few map lookups. Half the load time separates the two with a wide margin either way: a
 * slow CI machine adds milliseconds to a lookup, not hundreds.
 */
const MODEL_LOAD_MS = 400;
const WARM_LIMIT_MS = MODEL_LOAD_MS / 2;
const SEQUENTIAL = 5;

/** Words of model.ts and their scores: the checker's own copy, to know the right answer. */
const WORDS: Record<string, number> = { love: 3, great: 3, good: 2, nice: 2, bad: -2, awful: -3, hate: -3 };

interface Report {
  line: string;
  durationMs: number;
  initMs?: number;
}

function reportOf(logResult: string | undefined): Report | undefined {
  const log = Buffer.from(logResult ?? '', 'base64').toString('utf8');
  const line = log.split('\n').find((l) => l.startsWith('REPORT'));
  const duration = line && /\tDuration: ([\d.]+) ms/.exec(line);
  if (!line || !duration) return undefined;
  const init = /Init Duration: ([\d.]+) ms/.exec(line);
  return { line, durationMs: Number(duration[1]), initMs: init ? Number(init[1]) : undefined };
}

/** A sentence of random known words and one unknown word, with the score it must get. */
function sentence(ctx: CheckContext): { text: string; score: number } {
  const keys = Object.keys(WORDS);
  const picked = Array.from({ length: 4 }, () => keys[Math.floor(Math.random() * keys.length)]);
  const unknown = ctx.random('zz').replace(/[^a-z]/gi, '').toLowerCase();
  return { text: `${picked.slice(0, 2).join(' ')} ${unknown} ${picked.slice(2).join(' ')}`, score: picked.reduce((s, w) => s + WORDS[w], 0) };
}

/** Invokes synchronously with LogType Tail; fails the check on a function error or a missing REPORT line. */
async function invoke(ctx: CheckContext, qualifier?: string): Promise<{ report: Report; answer: unknown; expected: number; text: string }> {
  const { text, score } = sentence(ctx);
  const res = await ctx.client(LambdaClient).send(
    new InvokeCommand({ FunctionName: FUNCTION, Qualifier: qualifier, Payload: JSON.stringify({ text }), LogType: 'Tail' }),
  );
  const answer = decodePayload(res.Payload);
  if (res.FunctionError) ctx.fail(`The function failed (${res.FunctionError}) on { "text": "${text}" }.`, { found: answer });
  const report = reportOf(res.LogResult);
  if (!report) ctx.fail('The invocation returned no REPORT line in its log tail (LogType Tail).', { found: Buffer.from(res.LogResult ?? '', 'base64').toString('utf8') });
  return { report, answer, expected: score, text };
}

/**
 * Several sequential invocations of $LATEST, starting on a new execution environment: a change of
 * configuration (here, the description) makes Lambda start new environments, so the first of these
 * is a cold start. The description is put back afterwards. Measured once, shared by two checks.
 */
async function measure(ctx: CheckContext): Promise<Report[]> {
  if (ctx.shared.reports) return ctx.shared.reports as Report[];
  const lambda = ctx.client(LambdaClient);
  const before = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: FUNCTION }));
  await lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: FUNCTION, Description: `awslings check: a fresh environment (${ctx.random()})` }));
  const reports: Report[] = [];
  try {
    await waitForFunctionActive(lambda, FUNCTION);
    for (let i = 0; i < SEQUENTIAL; i++) reports.push((await invoke(ctx)).report);
  } finally {
    await lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: FUNCTION, Description: before.Description ?? '' }));
    await waitForFunctionActive(lambda, FUNCTION);
  }
  ctx.log(reports.map((r, i) => `#${i + 1} ${r.line}`).join('\n'));
  ctx.shared.reports = reports;
  return reports;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

export default defineLab({
  id: 'lambda-cold-start',
  title: 'Cold starts: measure them, move work into init, and keep environments warm',
  module: '02-cold-starts',
  objectives: [
    'Tell a cold start from a warm start in REPORT lines (Init Duration, Duration)',
    'Move expensive initialisation out of the handler, so warm invocations reuse it',
    'Publish a version, point an alias at it and give the alias provisioned concurrency',
  ],
  minutes: 30,
  services: ['iam', 'lambda', 'logs'],
  files: ['handler.ts', 'deploy.ts'],
  checks: [
    {
      id: 'function-deployed',
      title: `The function ${FUNCTION} is deployed`,
      points: 1,
      hint: 'Run npx awslings deploy lambda-cold-start: the starter already creates the role and the function. If it fails, its output says why.',
      async run(ctx) {
        const c = await ctx.client(LambdaClient).send(new GetFunctionConfigurationCommand({ FunctionName: FUNCTION }));
        assert(/^nodejs(18|20|22)\.x$/.test(c.Runtime ?? ''), 'The runtime should be a Node.js one.', { expected: 'nodejs20.x', found: c.Runtime });
        assert(c.State === 'Active', 'The function is not active.', { expected: 'Active', found: c.State });
      },
    },
    {
      id: 'scores-text',
      title: 'It still scores a sentence with the model',
      points: 1,
      hint: 'Keep the scoring as it is: split the text into words and add up model.get(word) for each. Only move where loadModel() is called; do not remove it or change model.ts.',
      async run(ctx) {
        const r = await invoke(ctx);
        const score = (r.answer as { score?: unknown })?.score;
        assert(score === r.expected, `For { "text": "${r.text}" } the score is not the model's.`, { expected: { score: r.expected, words: 5 }, found: r.answer });
      },
    },
    {
      id: 'first-call-cold',
      title: `Of ${SEQUENTIAL} invocations in a row on a new environment, only the first has an init phase`,
      points: 2,
      timeoutMs: 30_000,
      hint: 'Each REPORT line shows Init Duration only when that invocation started a new execution environment. Sequential invocations reuse the one environment: does your handler end the process, or fail?',
      async run(ctx) {
        const reports = await measure(ctx);
        const withInit = reports.map((r, i) => (r.initMs !== undefined ? i + 1 : 0)).filter(Boolean);
        assert(reports[0].initMs !== undefined, 'The first invocation on a new environment shows no Init Duration.', { expected: 'Init Duration on #1', found: reports[0].line });
        assert(withInit.length === 1, 'Warm invocations should not initialise again, but more than one had an init phase.', { expected: [1], found: withInit });
      },
    },
    {
      id: 'warm-is-fast',
      title: `Warm invocations take under ${WARM_LIMIT_MS} ms, typically (the model loads once, not on every call)`,
      points: 2,
      timeoutMs: 30_000,
      hint: 'The handler calls loadModel() on every invocation (400 ms each time). Call it once, at the top level of handler.ts, outside the handler: `const model = await loadModel();`. That runs in the init phase, and warm invocations reuse `model`.',
      async run(ctx) {
        const reports = await measure(ctx);
        const warm = reports.slice(1).map((r) => r.durationMs);
        const typical = Math.round(median(warm) * 100) / 100;
        ctx.log(`cold: Init Duration ${reports[0].initMs ?? '–'} ms + Duration ${reports[0].durationMs} ms; warm durations: ${warm.join(', ')} ms`);
        assert(typical < WARM_LIMIT_MS, `A typical warm invocation took ${typical} ms: the ${MODEL_LOAD_MS} ms model load still runs on every call.`, {
          expected: `< ${WARM_LIMIT_MS} ms`,
          found: `${typical} ms (median of ${warm.join(', ')})`,
        });
      },
    },
    {
      id: 'alias-live',
      title: `The alias ${ALIAS} points at a published version`,
      points: 1,
      hint: 'PublishVersionCommand gives a version number; CreateAliasCommand({ FunctionName, Name: "live", FunctionVersion: <that number> }). An alias on $LATEST cannot have provisioned concurrency.',
      async run(ctx) {
        const alias = await ctx.client(LambdaClient).send(new GetAliasCommand({ FunctionName: FUNCTION, Name: ALIAS }));
        assert(/^\d+$/.test(alias.FunctionVersion ?? ''), `${ALIAS} should point at a published version number.`, { expected: 'a version number such as 1', found: alias.FunctionVersion });
      },
    },
    {
      id: 'provisioned-ready',
      title: `${ALIAS} has provisioned concurrency ${PROVISIONED}, READY`,
      points: 2,
      timeoutMs: 45_000,
      hint: 'PutProvisionedConcurrencyConfigCommand({ FunctionName: "sentiment", Qualifier: "live", ProvisionedConcurrentExecutions: 2 }): on the alias, not on the version number. It is IN_PROGRESS until the environments are initialised; FAILED means the init phase failed (look at the StatusReason).',
      async run(ctx) {
        const lambda = ctx.client(LambdaClient);
        const get = () =>
          lambda.send(new GetProvisionedConcurrencyConfigCommand({ FunctionName: FUNCTION, Qualifier: ALIAS })).catch((e: Error) => {
            if (e.name === 'ProvisionedConcurrencyConfigNotFoundException') ctx.fail(`${ALIAS} has no provisioned concurrency configuration.`, { expected: PROVISIONED, found: 'none' });
            throw e;
          });
        // Lambda initialises the environments in the background: wait while it is in progress.
        let pc: GetProvisionedConcurrencyConfigCommandOutput = await get();
        pc = (await eventually(async () => ((pc = await get()).Status === 'IN_PROGRESS' ? undefined : pc), 40_000, 250)) ?? pc;
        assert(pc.RequestedProvisionedConcurrentExecutions === PROVISIONED, `${ALIAS} should have ${PROVISIONED} provisioned environments.`, {
          expected: PROVISIONED,
          found: pc.RequestedProvisionedConcurrentExecutions,
        });
        assert(pc.Status === 'READY', `The provisioned concurrency of ${ALIAS} is not READY.`, { expected: 'READY', found: pc.StatusReason ? `${pc.Status}: ${pc.StatusReason}` : pc.Status });
      },
    },
    {
      id: 'alias-warm',
      title: `Invocations of ${ALIAS} have no cold start`,
      points: 2,
      timeoutMs: 20_000,
      hint: 'With provisioned concurrency, Lambda runs the init phase ahead of time, so only what happens outside the handler is done before the first request. Publish a new version after fixing handler.ts, and move the alias (and its provisioned concurrency) to it: deploy.ts should do both on every run.',
      async run(ctx) {
        // A few in a row, so that one slow moment of a busy machine does not decide the duration.
        const runs = [];
        for (let i = 0; i < 3; i++) {
          const r = await invoke(ctx, ALIAS);
          ctx.log(r.report.line);
          const score = (r.answer as { score?: unknown })?.score;
          assert(score === r.expected, `Invoked through ${ALIAS}, the function did not give the model's score.`, { expected: { score: r.expected }, found: r.answer });
          assert(r.report.initMs === undefined, `An invocation of ${ALIAS} started cold: its REPORT line has an Init Duration.`, { expected: 'no Init Duration', found: r.report.line });
          runs.push(r.report.durationMs);
        }
        const typical = median(runs);
        assert(typical < WARM_LIMIT_MS, `Invocations of ${ALIAS} took ${typical} ms: the version behind ${ALIAS} still loads the model in the handler.`, {
          expected: `< ${WARM_LIMIT_MS} ms`,
          found: `${typical} ms (median of ${runs.join(', ')})`,
        });
      },
    },
  ],
  async cleanup(ctx) {
    // Deleting the function removes its versions, aliases and provisioned concurrency.
    await ctx.client(LambdaClient).send(new DeleteFunctionCommand({ FunctionName: FUNCTION })).catch(() => undefined);
    await deleteRoleCompletely(ctx.client(IAMClient), ROLE);
  },
});
