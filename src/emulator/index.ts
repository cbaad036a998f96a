/**
 * The emulator's public entry: start it on a port (`startEmulator`), or hold an `Emulator`
 * and call it directly. Nothing outside src/emulator reaches further in.
 */
export { startEmulator, type RunningEmulator, type ServerOptions } from './server.js';
export { Emulator, type EmulatorOptions, type RequestEvent, type Clock } from './emulator.js';
export type { Decision } from './auth/enforce.js';
