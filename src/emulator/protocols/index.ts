import type { ProtocolName } from '../core/service.js';
import type { ProtocolCodec } from './types.js';
import { awsJsonProtocol } from './awsJson.js';
import { queryProtocol } from './query.js';
import { restProtocol } from './rest.js';

const codecs: Record<ProtocolName, () => ProtocolCodec> = {
  awsJson1_0: () => awsJsonProtocol('1.0'),
  awsJson1_1: () => awsJsonProtocol('1.1'),
  awsQuery: () => queryProtocol('awsQuery'),
  ec2Query: () => queryProtocol('ec2Query'),
  restJson1: () => restProtocol('json'),
  restXml: () => restProtocol('xml'),
};

const made = new Map<ProtocolName, ProtocolCodec>();

export function codecFor(protocol: ProtocolName): ProtocolCodec {
  let c = made.get(protocol);
  if (!c) made.set(protocol, (c = codecs[protocol]()));
  return c;
}

export type { ProtocolCodec } from './types.js';
export { serviceModel } from './model.js';
