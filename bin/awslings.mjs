#!/usr/bin/env node
// The `awslings` command. It runs the transpiled code in dist/ (made by `npm install`);
// when a source file is newer than the last build (a developer editing src/), it rebuilds first.
import { existsSync, readFileSync, statSync, readdirSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const stampFile = join(root, 'dist', '.build-stamp.json');

function newestSource() {
  let newest = 0;
  let count = 0;
  const walk = (dir) => {
    if (!existsSync(dir)) return;
    for (const ent of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, ent.name);
      if (ent.isDirectory()) walk(p);
      else { count++; newest = Math.max(newest, statSync(p).mtimeMs); }
    }
  };
  for (const d of ['common', 'emulator', 'labkit', 'grader', 'sandbox', 'cli']) walk(join(root, 'src', d));
  return { newest, count };
}

let stale = !existsSync(stampFile);
if (!stale && existsSync(join(root, 'src'))) {
  const stamp = JSON.parse(readFileSync(stampFile, 'utf8'));
  const now = newestSource();
  stale = now.newest > stamp.newestSource || now.count !== stamp.files;
}
if (stale) {
  const { buildLib } = await import(pathToFileURL(join(root, 'scripts', 'build-lib.mjs')).href);
  await buildLib({ quiet: true });
}
const { main } = await import(pathToFileURL(join(root, 'dist', 'cli', 'main.js')).href);
await main(process.argv.slice(2));
