/**
 * `npm run bench`: the figures each issue names, measured here rather than in timed unit tests.
 * `npm run bench -- emulator` runs one suite. Medians, with ratios against a baseline run in the same process.
 */
import { writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, rows } from './lib.js';
import { emulatorBench } from './emulator.bench.js';
import { sandboxBench } from './sandbox.bench.js';
import { lambdaBench } from './lambda.bench.js';
import { cloudformationBench } from './cloudformation.bench.js';
import { sqsBench } from './sqs.bench.js';
import { cognitoBench } from './cognito.bench.js';
import { ec2Bench } from './ec2.bench.js';
import { frontdoorsBench } from './frontdoors.bench.js';
import { labsBench } from './labs.bench.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const suites: Record<string, () => Promise<void>> = {
  emulator: emulatorBench,
  sandbox: sandboxBench,
  lambda: lambdaBench,
  cloudformation: cloudformationBench,
  sqs: sqsBench,
  cognito: cognitoBench,
  ec2: ec2Bench,
  frontdoors: frontdoorsBench,
  labs: labsBench,
};

const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const selected = wanted.length ? wanted : Object.keys(suites);
for (const name of selected) {
  const suite = suites[name];
  if (!suite) {
    console.error(`unknown suite ${name}; suites: ${Object.keys(suites).join(', ')}`);
    process.exit(2);
  }
  await suite();
}
mkdirSync(join(ROOT, '.awslings'), { recursive: true });
writeFileSync(join(ROOT, '.awslings', 'bench.json'), JSON.stringify({ at: new Date().toISOString(), node: process.version, rows }, null, 2));
const missed = rows.filter((r) => !r.ok);
console.log(`\n${rows.length - missed.length}/${rows.length} figures within target (details in .awslings/bench.json)`);
