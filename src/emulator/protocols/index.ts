import type { ProtocolName } from '../core/service.js';
import type { ProtocolCodec } from './types.js';

// Each codec loads when the first service that speaks it does: the AWS SDK's serializers and the
// XML parser cost tens of milliseconds, which the emulator's start-up does not need to pay.
const loaders: Record<ProtocolName, () => Promise<ProtocolCodec>> = {
  awsJson1_0: async () => (await import('./awsJson.js')).awsJsonProtocol('1.0'),
  awsJson1_1: async () => (await import('./awsJson.js')).awsJsonProtocol('1.1'),
  awsQuery: async () => (await import('./query.js')).queryProtocol('awsQuery'),
  ec2Query: async () => (await import('./query.js')).queryProtocol('ec2Query'),
  restJson1: async () => (await import('./rest.js')).restProtocol('json'),
  restXml: async () => (await import('./rest.js')).restProtocol('xml'),
};

const loading = new Map<ProtocolName, Promise<ProtocolCodec>>();
const loaded = new Map<ProtocolName, ProtocolCodec>();

export function loadCodec(protocol: ProtocolName): Promise<ProtocolCodec> {
  let p = loading.get(protocol);
  if (!p) {
    p = loaders[protocol]().then((c) => {
      loaded.set(protocol, c);
      return c;
    });
    loading.set(protocol, p);
  }
  return p;
}

/** A codec already loaded (by loadCodec, when its service loaded). */
export function codecFor(protocol: ProtocolName): ProtocolCodec {
  const c = loaded.get(protocol);
  if (!c) throw new Error(`awslings: the ${protocol} codec was used before it was loaded`);
  return c;
}

export type { ProtocolCodec } from './types.js';
export { serviceModel } from './model.js';
