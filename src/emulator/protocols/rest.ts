import { Readable } from 'node:stream';
import { XMLParser } from 'fast-xml-parser';
import type { HttpRequest, HttpResponse } from '../core/http.js';
import { AwsError, statusOf } from '../core/errors.js';
import type { ProtocolCodec } from './types.js';
import type { OperationModel, ServiceModel } from './model.js';
import { members } from './model.js';
import { isBound, matchRoute, readBoundMembers, toHeaderString, traitsOf } from './httpBinding.js';
import { jsonCodec, xmlCodec } from './serde.js';
import { plain } from './normalize.js';
import { escapeXml } from './xml.js';
import { decodeAwsChunked } from './awsChunked.js';
import { HTTP_STATUS } from '../core/service.js';

/**
 * restJson1 (Lambda, API Gateway, SES v2, CloudWatch Logs' data plane...) and restXml (S3, CloudFront):
 * the operation comes from the method and URI, members bind to the path, query, headers and body.
 */
export function restProtocol(kind: 'json' | 'xml'): ProtocolCodec {
  const json = jsonCodec({ jsonName: true });
  const matches = new WeakMap<HttpRequest, Record<string, string>>();

  return {
    validationCode: 'ValidationException',

    resolve(req, model) {
      const { op, labels } = route(req, model);
      matches.set(req, labels);
      return op;
    },

    async decode(original, op, model) {
      const labels = matches.get(original) ?? route(original, model).labels;
      const req = decodeAwsChunked(original);
      const input = readBoundMembers(req, op, labels);
      const payloadMember = members(op.input).find(([, m]) => traitsOf(m).httpPayload);
      if (payloadMember) {
        const [name, member] = payloadMember;
        if (req.body.length === 0) return input;
        if (member.isBlobSchema()) input[name] = new Uint8Array(req.body);
        else if (member.isStringSchema()) input[name] = req.body.toString('utf8');
        else if (member.isStructSchema() || member.isUnionSchema()) {
          input[name] = kind === 'json' ? await readJson(json, member, req.body) : readXml(model, member, req.body);
        }
        return input;
      }
      const hasBodyMembers = members(op.input).some(([, m]) => !isBound(traitsOf(m)));
      if (hasBodyMembers && req.body.length) {
        const body = kind === 'json' ? await readJson(json, op.input, req.body) : readXml(model, op.input, req.body);
        for (const [name, member] of members(op.input)) {
          if (!isBound(traitsOf(member)) && body[name] !== undefined) input[name] = body[name];
        }
      }
      return input;
    },

    encode(op, outputValue, model, meta): HttpResponse {
      const output = (outputValue ?? {}) as Record<string, unknown>;
      const headers: Record<string, string> = { 'x-amzn-requestid': meta.requestId };
      let status = (output as { [HTTP_STATUS]?: number })[HTTP_STATUS] ?? op.http?.code ?? 200;
      let body: HttpResponse['body'];
      const bodyMembers: Record<string, unknown> = {};
      let hasBody = false;
      for (const [name, member] of members(op.output)) {
        const t = traitsOf(member);
        const value = output[name];
        if (t.httpResponseCode) {
          if (typeof value === 'number') status = value;
        } else if (t.httpHeader) {
          const s = toHeaderString(member, value);
          if (s !== undefined) headers[t.httpHeader.toLowerCase()] = s;
        } else if (t.httpPrefixHeaders !== undefined) {
          for (const [k, v] of Object.entries((value ?? {}) as Record<string, string>)) headers[`${t.httpPrefixHeaders}${k}`.toLowerCase()] = String(v);
        } else if (t.httpPayload) {
          if (value === undefined || value === null) continue;
          if (value instanceof Readable) body = value;
          else if (value instanceof Uint8Array) body = value;
          else if (typeof value === 'string') body = value;
          else if (kind === 'json') {
            const ser = json.createSerializer();
            ser.write(member, value);
            body = String(ser.flush());
            headers['content-type'] ??= 'application/json';
          } else {
            const ser = xmlCodec(model.def.xmlNamespace ?? '', model.def.signingName).createSerializer();
            ser.write(member, value);
            body = `<?xml version="1.0" encoding="UTF-8"?>\n${String(ser.flush())}`;
            headers['content-type'] ??= 'application/xml';
          }
          if (!headers['content-type']) headers['content-type'] = member.isStringSchema() ? 'text/plain' : 'application/octet-stream';
        } else if (value !== undefined) {
          bodyMembers[name] = value;
          hasBody = true;
        }
      }
      if (body === undefined && (hasBody || kind === 'json')) {
        if (kind === 'json') {
          const ser = json.createSerializer();
          ser.write(op.output, bodyMembers);
          const text = String(ser.flush() ?? '');
          body = text || '{}';
          headers['content-type'] = 'application/json';
        } else if (hasBody && textRoot(op.output)) {
          // A structure named after its only member is that member's text (S3's <LocationConstraint>eu-west-1</LocationConstraint>).
          const [name] = Object.keys(bodyMembers);
          body = `<?xml version="1.0" encoding="UTF-8"?>\n<${name} xmlns="${model.def.xmlNamespace ?? ''}">${escapeXml(String(bodyMembers[name]))}</${name}>`;
          headers['content-type'] = 'application/xml';
        } else if (hasBody) {
          const ser = xmlCodec(model.def.xmlNamespace ?? '', model.def.signingName).createSerializer();
          ser.write(op.output, bodyMembers);
          body = `<?xml version="1.0" encoding="UTF-8"?>\n${String(ser.flush())}`;
          headers['content-type'] = 'application/xml';
        }
      }
      if (status === 204 || status === 304) body = undefined;
      return { status, headers, body };
    },

    encodeError(err, model, meta): HttpResponse {
      const em = model?.errors.get(err.code);
      const status = statusOf(err, em?.status);
      const headers: Record<string, string> = { 'x-amzn-requestid': meta.requestId, 'x-amzn-errortype': err.code, ...err.headers };
      if (kind === 'json') {
        const names = em ? members(em.ns).map(([n]) => n) : [];
        const body: Record<string, unknown> = {};
        if (names.includes('Type')) body.Type = err.fault === 'server' ? 'Service' : 'User';
        body[names.includes('Message') ? 'Message' : 'message'] = err.message;
        Object.assign(body, err.fields);
        headers['content-type'] = 'application/json';
        return { status, headers, body: JSON.stringify(body) };
      }
      const extra = Object.entries(err.fields)
        .map(([k, v]) => `<${k}>${escapeXml(String(v))}</${k}>`)
        .join('');
      headers['content-type'] = 'application/xml';
      const inner = `<Code>${escapeXml(err.code)}</Code><Message>${escapeXml(err.message)}</Message>${extra}`;
      const body =
        model?.def.xmlErrorStyle === 'unwrapped'
          ? `<?xml version="1.0" encoding="UTF-8"?>\n<Error>${inner}<RequestId>${meta.requestId}</RequestId></Error>`
          : `<?xml version="1.0" encoding="UTF-8"?>\n<ErrorResponse xmlns="${model?.def.xmlNamespace ?? ''}"><Error><Type>${err.fault === 'server' ? 'Receiver' : 'Sender'}</Type>${inner}</Error><RequestId>${meta.requestId}</RequestId></ErrorResponse>`;
      return { status, headers, body };
    },
  };
}

function textRoot(output: OperationModel['output']): boolean {
  const body = members(output).filter(([, m]) => !isBound(traitsOf(m)));
  const root = (output.getMergedTraits() as { xmlName?: string }).xmlName;
  return body.length === 1 && body[0][0] === root && body[0][1].isStringSchema();
}

function route(req: HttpRequest, model: ServiceModel) {
  const extra = model.def.routeLabels?.(req);
  return matchRoute(req, model, extra?.pathPrefix, extra?.labels);
}

async function readJson(codec: ReturnType<typeof jsonCodec>, schema: OperationModel['input'], body: Buffer): Promise<Record<string, unknown>> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch (e) {
    throw new AwsError('SerializationException', `Could not parse the request body as JSON: ${(e as Error).message}`, 400);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new AwsError('SerializationException', 'The request body must be a JSON object.', 400);
  }
  try {
    return plain(codec.createDeserializer().readObject(schema, parsed as never)) as Record<string, unknown>;
  } catch (e) {
    throw new AwsError('SerializationException', `Could not read the request: ${(e as Error).message}`, 400);
  }
}

const xmlParser = new XMLParser({ ignoreAttributes: true, parseTagValue: false, trimValues: false, processEntities: true });

function readXml(model: ServiceModel, schema: OperationModel['input'], body: Buffer): Record<string, unknown> {
  let doc: Record<string, unknown>;
  try {
    doc = xmlParser.parse(body.toString('utf8'), true) as Record<string, unknown>;
  } catch (e) {
    throw new AwsError('MalformedXML', `The XML you provided was not well-formed or did not validate against our published schema: ${(e as Error).message}`, 400);
  }
  const rootKey = Object.keys(doc).find((k) => k !== '?xml');
  if (!rootKey) throw new AwsError('MalformedXML', 'The XML you provided was empty.', 400);
  const des = xmlCodec(model.def.xmlNamespace ?? '', model.def.signingName).createDeserializer();
  return plain(des.readSchema(schema, doc[rootKey])) as Record<string, unknown>;
}
