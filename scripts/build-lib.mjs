#!/usr/bin/env node
// Transpiles the Node side of awslings (src/{emulator,labkit,grader,sandbox,cli,common}) to dist/,
// file for file, so that the CLI and Lambda execution environments start without a TypeScript loader.
// Type checking is `npm run typecheck`; this step only strips types (esbuild), in well under a second.
import { build } from 'esbuild';
import { readdirSync, statSync, writeFileSync, mkdirSync, rmSync, cpSync, existsSync, renameSync } from 'node:fs';
import { join, relative, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
export const LIB_DIRS = ['common', 'emulator', 'labkit', 'grader', 'sandbox', 'cli'];

function walk(dir, out = []) {
  if (!existsSync(dir)) return out;
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    const st = statSync(p);
    if (st.isDirectory()) walk(p, out);
    else out.push(p);
  }
  return out;
}

export function sourceFiles() {
  return LIB_DIRS.flatMap((d) => walk(join(root, 'src', d)));
}

export async function buildLib({ quiet = false } = {}) {
  const t0 = performance.now();
  const files = sourceFiles();
  const entryPoints = files.filter((f) => /\.(ts|mts)$/.test(f) && !/\.d\.ts$/.test(f) && !/\.test\.ts$/.test(f));
  const assets = files.filter((f) => !/\.(ts|mts)$/.test(f));
  // Build beside dist/ and swap it in, so a process running from dist/ (a test, the CLI) never
  // sees it half-written or missing for more than a rename.
  const next = join(root, `dist.next-${process.pid}`);
  rmSync(next, { recursive: true, force: true });
  await build({
    entryPoints,
    outdir: next,
    outbase: join(root, 'src'),
    format: 'esm',
    platform: 'node',
    target: 'node20',
    sourcemap: 'linked',
    bundle: false,
    logLevel: 'warning',
  });
  // Non-TypeScript files (JSON data, the Lambda runtime's plain JS, HTML) are copied as they are.
  for (const f of assets) {
    const dest = join(next, relative(join(root, 'src'), f));
    mkdirSync(dirname(dest), { recursive: true });
    cpSync(f, dest);
  }
  const newest = Math.max(0, ...files.map((f) => statSync(f).mtimeMs));
  writeFileSync(join(next, '.build-stamp.json'), JSON.stringify({ newestSource: newest, files: files.length }));
  const old = join(root, `dist.old-${process.pid}`);
  if (existsSync(join(root, 'dist'))) renameSync(join(root, 'dist'), old);
  renameSync(next, join(root, 'dist'));
  rmSync(old, { recursive: true, force: true });
  if (!quiet) console.log(`awslings: built ${entryPoints.length} modules into dist/ in ${Math.round(performance.now() - t0)} ms`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await buildLib({ quiet: process.argv.includes('--quiet') });
}
