/**
 * An error as AWS returns it: a code (the error shape's name or its query-protocol code),
 * a message, an HTTP status and whether the caller (Sender) or the service (Receiver) is at fault.
 * Operations throw these; each protocol codec turns them into its own wire shape.
 */
export class AwsError extends Error {
  readonly code: string;
  /** When left out, the codec takes the status from the SDK's error schema (400 if it has none). */
  readonly status?: number;
  readonly fault: 'client' | 'server';
  /** Extra members of the error shape (for example Lambda's `Type`, S3's `BucketName`). */
  readonly fields: Record<string, unknown>;
  /** Extra response headers (for example `x-amzn-query-error` for SQS). */
  readonly headers: Record<string, string>;

  constructor(
    code: string,
    message: string,
    status?: number,
    options: { fault?: 'client' | 'server'; fields?: Record<string, unknown>; headers?: Record<string, string> } = {},
  ) {
    super(message);
    this.name = code;
    this.code = code;
    this.status = status;
    this.fault = options.fault ?? (status !== undefined && status >= 500 ? 'server' : 'client');
    this.fields = options.fields ?? {};
    this.headers = options.headers ?? {};
  }
}

export const isAwsError = (e: unknown): e is AwsError => e instanceof AwsError;

// Errors every service shares (AWS's "common errors").
export const errors = {
  validation: (message: string) => new AwsError('ValidationError', message, 400),
  invalidParameterValue: (message: string) => new AwsError('InvalidParameterValue', message, 400),
  missingParameter: (name: string) =>
    new AwsError('MissingParameter', `The request must contain the parameter ${name}`, 400),
  malformed: (message: string) => new AwsError('SerializationException', message, 400),
  unknownOperation: (service: string, operation: string) =>
    new AwsError(
      'UnknownOperationException',
      `awslings: the ${service} operation ${operation || '(none)'} is not available in the sandbox. ` +
        `See "awslings doctor" or the sandbox's supported-operations list at /_awslings/services.`,
      400,
    ),
  accessDenied: (message: string) => new AwsError('AccessDenied', message, 403),
  internal: (message: string) => new AwsError('InternalFailure', message, 500, { fault: 'server' }),
};

/** The HTTP status of an error: the thrower's, else the SDK schema's, else 400 (500 for the service's own faults). */
export function statusOf(err: AwsError, schemaStatus?: number): number {
  return err.status ?? schemaStatus ?? (err.fault === 'server' ? 500 : 400);
}
