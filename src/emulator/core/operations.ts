import type { Operation } from './service.js';

/**
 * Collects the operations exported by a service's modules: every export whose name starts with a
 * capital letter and that has a handler (helpers such as `toRole` are skipped).
 */
export function pickOperations(...modules: Record<string, unknown>[]): Record<string, Operation> {
  const out: Record<string, Operation> = {};
  for (const m of modules) {
    for (const [name, value] of Object.entries(m)) {
      if (/^[A-Z]/.test(name) && value && typeof value === 'object' && typeof (value as Operation).handler === 'function') {
        out[name] = value as Operation;
      }
    }
  }
  return out;
}
