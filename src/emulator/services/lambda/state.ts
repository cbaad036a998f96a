import type { DestinationConfig, FunctionConfiguration } from '@aws-sdk/client-lambda';
import type { RequestContext } from '../../core/service.js';

/**
 * One function version as Lambda reports it (the FunctionConfiguration shape, kept as plain JSON),
 * with the code it runs. `$LATEST` changes; published versions never do.
 */
export interface VersionRecord extends Omit<FunctionConfiguration, 'LastModified' | 'Runtime'> {
  FunctionName: string;
  FunctionArn: string;
  Version: string;
  /** Lambda's own format: 2024-05-01T12:00:00.000+0000. */
  LastModified: string;
  Runtime: string;
  Handler: string;
  MemorySize: number;
  Timeout: number;
  Role: string;
  CodeSha256: string;
  CodeSize: number;
  RevisionId: string;
  code: CodeRecord;
  /** Until then the version reads as Pending (create) or InProgress (update). */
  settlesAt?: number;
}

/** A zip in the blob store, and where its extracted files are. */
export interface CodeRecord {
  /** SHA-256 of the zip, hex: its blob name and its extraction directory. */
  sha256: string;
  zipSize: number;
  unzippedSize: number;
}

export interface AliasRecord {
  Name: string;
  FunctionVersion: string;
  Description: string;
  RoutingConfig?: { AdditionalVersionWeights: Record<string, number> };
  RevisionId: string;
}

/** A resource policy; Lambda keeps one for the function ($LATEST) and one per version or alias. */
export interface PolicyRecord {
  Statement: PolicyStatement[];
  RevisionId: string;
}

export interface PolicyStatement {
  Sid: string;
  Effect: 'Allow';
  Principal: string | Record<string, string>;
  Action: string;
  Resource: string;
  Condition?: Record<string, Record<string, string>>;
}

export interface EventInvokeConfigRecord {
  MaximumRetryAttempts?: number;
  MaximumEventAgeInSeconds?: number;
  DestinationConfig: DestinationConfig;
  /** Epoch milliseconds. */
  LastModified: number;
}

export interface ProvisionedRecord {
  Requested: number;
  Status: 'IN_PROGRESS' | 'READY' | 'FAILED';
  StatusReason?: string;
  /** Lambda's own date format. */
  LastModified: string;
}

export interface FunctionRecord {
  latest: VersionRecord;
  versions: Record<string, VersionRecord>;
  nextVersion: number;
  aliases: Record<string, AliasRecord>;
  /** '' is the function's own policy; other keys are versions and aliases. */
  policies: Record<string, PolicyRecord>;
  tags: Record<string, string>;
  /** By qualifier: `$LATEST`, a version or an alias. */
  eventInvokeConfigs: Record<string, EventInvokeConfigRecord>;
  reservedConcurrency?: number;
  /** By qualifier: a version or an alias. */
  provisioned: Record<string, ProvisionedRecord>;
}

/** An event accepted by Invoke (InvocationType Event) and not yet done with: kept across restarts. */
export interface AsyncEvent {
  requestId: string;
  functionName: string;
  /** As invoked: a version, an alias, or none ($LATEST). */
  qualifier?: string;
  payload: string;
  /** Epoch milliseconds. */
  receivedAt: number;
  /** Invocations so far. */
  attempts: number;
  /** Epoch milliseconds: the next attempt is due then. */
  dueAt: number;
  /** Set when the event came from another service's trigger rather than Invoke. */
  source?: string;
}

export interface LambdaState {
  functions: Record<string, FunctionRecord>;
  asyncQueue: AsyncEvent[];
}

export const initialLambdaState = (): LambdaState => ({ functions: {}, asyncQueue: [] });

export const lambdaState = (ctx: Pick<RequestContext, 'emulator' | 'accountId' | 'region'>): LambdaState =>
  ctx.emulator.stateFor<LambdaState>('lambda', ctx.accountId, ctx.region);
