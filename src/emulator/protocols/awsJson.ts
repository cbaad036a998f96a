import type { HttpRequest, HttpResponse } from '../core/http.js';
import { AwsError, errors, statusOf } from '../core/errors.js';
import type { ProtocolCodec, ResponseMeta } from './types.js';
import type { OperationModel, ServiceModel } from './model.js';
import { jsonCodec } from './serde.js';
import { plain } from './normalize.js';

/** awsJson1.0 and awsJson1.1: POST /, the operation in X-Amz-Target, a JSON body both ways. */
export function awsJsonProtocol(version: '1.0' | '1.1'): ProtocolCodec {
  const codec = jsonCodec({ jsonName: false });
  const contentType = `application/x-amz-json-${version}`;

  return {
    validationCode: 'ValidationException',

    resolve(req: HttpRequest, model: ServiceModel): OperationModel {
      const target = req.headers['x-amz-target'] ?? '';
      const dot = target.lastIndexOf('.');
      const prefix = dot < 0 ? '' : target.slice(0, dot);
      const name = dot < 0 ? target : target.slice(dot + 1);
      const op = model.operations.get(name);
      if (!op || (model.def.targetPrefix && prefix !== model.def.targetPrefix)) {
        throw errors.unknownOperation(model.def.id, name || target);
      }
      return op;
    },

    async decode(req, op) {
      const text = req.body.length ? req.body.toString('utf8') : '{}';
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch (e) {
        throw new AwsError('SerializationException', `Could not parse the request body as JSON: ${(e as Error).message}`, 400);
      }
      if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
        throw new AwsError('SerializationException', 'The request body must be a JSON object.', 400);
      }
      try {
        return plain(codec.createDeserializer().readObject(op.input, parsed as never)) as Record<string, unknown>;
      } catch (e) {
        throw new AwsError('SerializationException', `Could not read the request: ${(e as Error).message}`, 400);
      }
    },

    encode(op, output, _model, meta): HttpResponse {
      const ser = codec.createSerializer();
      ser.write(op.output, output ?? {});
      const body = ser.flush();
      return {
        status: 200,
        headers: { 'content-type': contentType, 'x-amzn-requestid': meta.requestId },
        body: typeof body === 'string' && body.length ? body : '{}',
      };
    },

    encodeError(err, model, meta: ResponseMeta): HttpResponse {
      const em = model?.errors.get(err.code);
      const body: Record<string, unknown> = { __type: em && model?.def.awsQueryCompatible ? `${em.ns.getName(true)}` : err.code };
      // Most JSON services spell it "message"; a few error shapes declare "Message".
      const upper = em ? [...em.ns.structIterator()].some(([n]) => n === 'Message') : false;
      body[upper ? 'Message' : 'message'] = err.message;
      Object.assign(body, err.fields);
      // Query-compatible services (SQS) also name the error as their query protocol does:
      // SDKs read the code from this header (`AWS.SimpleQueueService.NonExistentQueue;Sender`).
      const queryError: Record<string, string> = model?.def.awsQueryCompatible
        ? { 'x-amzn-query-error': `${em?.queryCode ?? em?.name ?? err.code};${err.fault === 'server' ? 'Receiver' : 'Sender'}` }
        : {};
      return {
        status: statusOf(err, em?.status),
        headers: {
          'content-type': contentType,
          'x-amzn-requestid': meta.requestId,
          'x-amzn-errortype': `${err.code}:`,
          ...queryError,
          ...err.headers,
        },
        body: JSON.stringify(body),
      };
    },
  };
}
