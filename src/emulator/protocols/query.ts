import type { NormalizedSchema } from '@smithy/core/schema';
import type { HttpResponse } from '../core/http.js';
import { formParams } from './form.js';
import { AwsError, statusOf } from '../core/errors.js';
import type { ProtocolCodec } from './types.js';
import { members, requiredMemberNames } from './model.js';
import { xmlCodec } from './serde.js';
import { escapeXml, stripRootElement } from './xml.js';
import { writeXmlMembers } from './xmlWriter.js';

/**
 * awsQuery (IAM, STS, CloudFormation, SES v1, SQS's older protocol) and ec2Query (EC2).
 * Requests are form-encoded `Action=...&Version=...&Name.member.1=...`; responses are XML.
 * The AWS SDK has no server side for these requests, so the form decoding is written here,
 * driven by the operation's input schema; responses use the SDK's own XML serializer.
 */
export function queryProtocol(flavour: 'awsQuery' | 'ec2Query'): ProtocolCodec {
  const ec2 = flavour === 'ec2Query';
  return {
    validationCode: ec2 ? 'InvalidParameterValue' : 'ValidationError',

    resolve(req, model) {
      const params = formParams(req);
      const action = params.get('Action');
      if (!action) {
        throw new AwsError('MissingAction', 'The request must contain the parameter Action.', 400);
      }
      const op = model.operations.get(action);
      if (!op) {
        throw new AwsError(
          'InvalidAction',
          `The action ${action} is not valid for this web service. (awslings: the ${model.def.id} operation ${action} is not available in the sandbox.)`,
          400,
        );
      }
      return op;
    },

    async decode(req, op) {
      const params = formParams(req);
      return readStruct(op.input, params, '', ec2);
    },

    encode(op, output, model, meta): HttpResponse {
      const ns = model.def.xmlNamespace ?? '';
      const codec = xmlCodec(ns, model.def.signingName);
      let inner = '';
      if (op.output.isStructSchema() && members(op.output).length > 0) {
        // The compiled writer gives the SDK serializer's bytes much faster; it declines the rare shapes it does not handle.
        const fast = writeXmlMembers(op.output, (output ?? {}) as object);
        if (fast !== undefined) inner = fast;
        else {
          const ser = codec.createSerializer();
          ser.write(op.output, output ?? {});
          inner = stripRootElement(String(ser.flush()));
        }
      }
      const name = op.name;
      const body = ec2
        ? `<?xml version="1.0" encoding="UTF-8"?>\n<${name}Response xmlns="${ns}"><requestId>${meta.requestId}</requestId>${inner}</${name}Response>`
        : `<${name}Response xmlns="${ns}">${
            // An output structure, even an empty one, has its Result element (botocore requires it); unit outputs have none.
            op.output.isStructSchema() ? `<${name}Result>${inner}</${name}Result>` : ''
          }<ResponseMetadata><RequestId>${meta.requestId}</RequestId></ResponseMetadata></${name}Response>`;
      return { status: 200, headers: { 'content-type': 'text/xml', 'x-amzn-requestid': meta.requestId }, body };
    },

    encodeError(err, model, meta): HttpResponse {
      const em = model?.errors.get(err.code);
      const code = em?.queryCode ?? err.code;
      const status = statusOf(err, em?.status);
      const extra = Object.entries(err.fields)
        .map(([k, v]) => `<${k}>${escapeXml(String(v))}</${k}>`)
        .join('');
      const body = ec2
        ? `<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>${escapeXml(code)}</Code><Message>${escapeXml(err.message)}</Message>${extra}</Error></Errors><RequestID>${meta.requestId}</RequestID></Response>`
        : `<ErrorResponse xmlns="${model?.def.xmlNamespace ?? ''}"><Error><Type>${err.fault === 'server' ? 'Receiver' : 'Sender'}</Type><Code>${escapeXml(code)}</Code><Message>${escapeXml(err.message)}</Message>${extra}</Error><RequestId>${meta.requestId}</RequestId></ErrorResponse>`;
      return { status, headers: { 'content-type': 'text/xml', 'x-amzn-requestid': meta.requestId, ...err.headers }, body };
    },
  };
}


const capitalize = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

function wireName(member: NormalizedSchema, name: string, ec2: boolean): string {
  const t = member.getMergedTraits() as { xmlName?: string; ec2QueryName?: string };
  if (ec2) return t.ec2QueryName ?? capitalize(t.xmlName ?? name);
  return t.xmlName ?? name;
}

function hasPrefix(params: Map<string, string>, key: string): boolean {
  if (params.has(key)) return true;
  const dotted = key + '.';
  for (const k of params.keys()) if (k.startsWith(dotted)) return true;
  return false;
}

/** The numbers N used under `base.N` or `base.N.…`, in order. */
function indexes(params: Map<string, string>, base: string): number[] {
  const found = new Set<number>();
  const dotted = base + '.';
  for (const k of params.keys()) {
    if (!k.startsWith(dotted)) continue;
    const rest = k.slice(dotted.length);
    const m = /^(\d+)(\.|$)/.exec(rest);
    if (m) found.add(Number(m[1]));
  }
  return [...found].sort((a, b) => a - b);
}

function readStruct(ns: NormalizedSchema, params: Map<string, string>, prefix: string, ec2: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const required = ec2 ? new Set(requiredMemberNames(ns)) : undefined;
  for (const [name, member] of members(ns)) {
    const key = prefix + wireName(member, name, ec2);
    const value = readValue(member, params, key, ec2);
    if (value !== undefined) out[name] = value;
    // EC2 names a missing required parameter itself, before any other validation.
    else if (required?.has(name)) throw new AwsError('MissingParameter', `The request must contain the parameter ${key}`, 400);
  }
  return out;
}

function readValue(ns: NormalizedSchema, params: Map<string, string>, key: string, ec2: boolean): unknown {
  if (ns.isStructSchema()) {
    return hasPrefix(params, key) ? readStruct(ns, params, key + '.', ec2) : undefined;
  }
  if (ns.isListSchema()) {
    const traits = ns.getMergedTraits() as { xmlFlattened?: number };
    const item = ns.getValueSchema();
    const itemName = (item.getMergedTraits() as { xmlName?: string }).xmlName ?? 'member';
    const base = ec2 || traits.xmlFlattened ? key : `${key}.${itemName}`;
    const idx = indexes(params, base);
    if (idx.length === 0) return params.has(key) && params.get(key) === '' ? [] : undefined;
    return idx.map((i) => readValue(item, params, `${base}.${i}`, ec2));
  }
  if (ns.isMapSchema()) {
    const traits = ns.getMergedTraits() as { xmlFlattened?: number };
    const base = traits.xmlFlattened || ec2 ? key : `${key}.entry`;
    const kName = (ns.getKeySchema().getMergedTraits() as { xmlName?: string }).xmlName ?? 'key';
    const vName = (ns.getValueSchema().getMergedTraits() as { xmlName?: string }).xmlName ?? 'value';
    const idx = indexes(params, base);
    if (idx.length === 0) return undefined;
    const out: Record<string, unknown> = {};
    for (const i of idx) {
      const k = params.get(`${base}.${i}.${kName}`);
      if (k === undefined) continue;
      out[k] = readValue(ns.getValueSchema(), params, `${base}.${i}.${vName}`, ec2);
    }
    return out;
  }
  const raw = params.get(key);
  if (raw === undefined) return undefined;
  return scalar(ns, raw, key, ec2 ? 'InvalidParameterValue' : 'ValidationError');
}

function scalar(ns: NormalizedSchema, raw: string, key: string, code: string): unknown {
  if (ns.isBooleanSchema()) {
    if (raw === 'true') return true;
    if (raw === 'false') return false;
    throw new AwsError(code, `Value '${raw.slice(0, 50)}' for parameter ${key} is invalid. It must be true or false.`, 400);
  }
  if (ns.isNumericSchema()) {
    const n = Number(raw);
    if (raw.trim() === '' || Number.isNaN(n)) {
      throw new AwsError(code, `Value '${raw.slice(0, 50)}' for parameter ${key} is invalid. It must be a number.`, 400);
    }
    return n;
  }
  if (ns.isTimestampSchema()) {
    const d = /^\d+(\.\d+)?$/.test(raw) ? new Date(Number(raw) * 1000) : new Date(raw);
    if (Number.isNaN(d.getTime())) {
      throw new AwsError(code, `Value '${raw.slice(0, 50)}' for parameter ${key} is not a valid timestamp.`, 400);
    }
    return d;
  }
  if (ns.isBlobSchema()) return new Uint8Array(Buffer.from(raw, 'base64'));
  return raw;
}


export { formParams };
