import { buildLib } from '../../scripts/build-lib.mjs';

/** Tests that spawn the CLI or Lambda runtimes run the transpiled dist/, so build it once first. */
export default async function setup(): Promise<void> {
  await buildLib({ quiet: true });
}
