import type { HttpRequest, HttpResponse } from '../core/http.js';
import type { AwsError } from '../core/errors.js';
import type { OperationModel, ServiceModel } from './model.js';

export interface ResponseMeta {
  requestId: string;
}

/**
 * The server side of one AWS wire protocol, written once and shared by every service that speaks it.
 * It knows shapes, never behaviour: it finds the operation, decodes the input into the SDK's typed
 * shape, and encodes an output or an error.
 */
export interface ProtocolCodec {
  resolve(req: HttpRequest, model: ServiceModel): OperationModel;
  decode(req: HttpRequest, op: OperationModel, model: ServiceModel): Promise<Record<string, unknown>>;
  encode(op: OperationModel, output: unknown, model: ServiceModel, meta: ResponseMeta): HttpResponse;
  encodeError(err: AwsError, model: ServiceModel | undefined, meta: ResponseMeta): HttpResponse;
  /** The error code AWS uses for a request that fails validation in this protocol's services. */
  validationCode: string;
}
