import { build, type BuildFailure } from 'esbuild';
import { zipSync } from 'fflate';
import { isAbsolute, join, relative } from 'node:path';

export class BundleError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BundleError';
  }
}

function describe(e: unknown, cwd: string): string {
  const failure = e as BuildFailure;
  if (failure.errors?.length) {
    return failure.errors
      .map((m) => (m.location ? `${relative(cwd, m.location.file) || m.location.file}:${m.location.line}:${m.location.column}: ${m.text}\n    ${m.location.lineText}` : m.text))
      .join('\n');
  }
  return (e as Error).message;
}

/**
 * Bundles a Lambda handler written in TypeScript or JavaScript into one ES module, the way the
 * Serverless Framework v4 and SAM's esbuild builder do. The AWS SDK v3 stays out of the bundle:
 * Node.js 18+ Lambda runtimes provide it.
 */
export async function bundleHandler(entry: string, opts: { cwd?: string; minify?: boolean } = {}): Promise<string> {
  const cwd = opts.cwd ?? process.cwd();
  const file = isAbsolute(entry) ? entry : join(cwd, entry);
  try {
    const out = await build({
      entryPoints: [file],
      bundle: true,
      write: false,
      platform: 'node',
      target: 'node20',
      format: 'esm',
      external: ['@aws-sdk/*', '@smithy/*'],
      minify: opts.minify ?? false,
      sourcemap: false,
      logLevel: 'silent',
      // Some npm packages still use require(): give ESM bundles a require that works.
      banner: { js: "import { createRequire as __awslingsRequire } from 'node:module'; const require = __awslingsRequire(import.meta.url);" },
    });
    return out.outputFiles[0].text;
  } catch (e) {
    throw new BundleError(`Could not bundle ${relative(cwd, file) || file}:\n${describe(e, cwd)}`);
  }
}

/**
 * A deployment package for a Node.js Lambda function: the handler bundled into `index.mjs`
 * (so the function's Handler is `index.handler`), zipped.
 */
export async function zipHandler(entry: string, opts: { cwd?: string; fileName?: string } = {}): Promise<Uint8Array> {
  const code = await bundleHandler(entry, opts);
  return zipFiles({ [opts.fileName ?? 'index.mjs']: code });
}

/** Zips files given by name and content. */
export function zipFiles(files: Record<string, string | Uint8Array>): Uint8Array {
  const entries: Record<string, Uint8Array> = {};
  for (const [name, content] of Object.entries(files)) entries[name] = typeof content === 'string' ? new TextEncoder().encode(content) : content;
  return zipSync(entries, { level: 6, mtime: new Date('2024-01-01T00:00:00Z') });
}

/** Bundles a script (a learner's deploy.ts) for Node; packages stay external and resolve from the course's node_modules. */
export async function bundleScript(entry: string, outfile: string, cwd: string): Promise<void> {
  try {
    await build({
      entryPoints: [entry],
      outfile,
      bundle: true,
      platform: 'node',
      target: 'node20',
      format: 'esm',
      packages: 'external',
      sourcemap: 'inline',
      logLevel: 'silent',
    });
  } catch (e) {
    throw new BundleError(describe(e, cwd));
  }
}
