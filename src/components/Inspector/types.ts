/** What the inspector feeds of the lab API answer (see src/sandbox/inspector.ts). */

export interface Unavailable {
  available: false;
  reason: string;
}

export interface Resource {
  type: string;
  name: string;
  arn?: string;
  detail?: string;
}

export interface ResourcesFeed {
  accountId: string;
  region: string;
  services: {service: string; resources: Resource[]; error?: string}[];
}

export interface Environment {
  id: string;
  functionName: string;
  version?: string;
  state?: string;
  provisioned?: boolean;
  memoryMb?: number;
  createdAt?: string;
  initDurationMs?: number;
  invocations?: number;
}

export interface Invocation {
  requestId: string;
  functionName: string;
  version?: string;
  invocationType?: string;
  environmentId: string;
  cold: boolean;
  initDurationMs?: number;
  durationMs: number;
  billedDurationMs?: number;
  maxMemoryUsedMb?: number;
  status?: string;
  errorType?: string;
  startedAt: string;
  endedAt: string;
}

export interface LambdaFeed {
  available: true;
  environments?: Environment[];
  invocations?: Invocation[];
}

export interface DecidingStatement {
  policy: string;
  source: string;
  sid?: string;
  effect: 'Allow' | 'Deny';
  statement: unknown;
}

export interface Decision {
  id: number;
  time: string;
  principal: string;
  principalType?: string;
  service: string;
  operation: string;
  action: string;
  resource: string;
  result: 'Allowed' | 'ExplicitlyDenied' | 'ImplicitlyDenied';
  reason: string;
  statements: DecidingStatement[];
  error?: string;
}

export interface StackEvent {
  EventId?: string;
  LogicalResourceId?: string;
  ResourceType?: string;
  ResourceStatus?: string;
  ResourceStatusReason?: string;
  Timestamp?: string;
}

export interface StacksFeed {
  available: true;
  stacks: {name: string; id?: string; status?: string; reason?: string; events: StackEvent[]}[];
}

export interface OutboxMessage {
  id: string;
  time: string;
  channel: 'email' | 'sms';
  source: string;
  from?: string;
  to: string[];
  subject?: string;
  text?: string;
  code?: string;
}
