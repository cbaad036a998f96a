import type { Change, Parameter, Tag } from '@aws-sdk/client-cloudformation';
import type { RequestContext } from '../../core/service.js';
import type { Emulator } from '../../emulator.js';
import type { Template } from './template/parse.js';

export interface ResourceRecord {
  LogicalResourceId: string;
  PhysicalResourceId?: string;
  ResourceType: string;
  ResourceStatus: string;
  ResourceStatusReason?: string;
  LastUpdatedTimestamp: string;
  /** Properties as resolved when the resource was last created or updated. */
  properties: Record<string, unknown>;
  /** Fn::GetAtt values, and `Ref` when it is not the physical id. */
  attributes: Record<string, unknown>;
  ref?: unknown;
  dependsOn: string[];
  DeletionPolicy?: string;
  UpdateReplacePolicy?: string;
  Metadata?: unknown;
}

export interface StackEventRecord {
  EventId: string;
  LogicalResourceId: string;
  PhysicalResourceId: string;
  ResourceType: string;
  ResourceStatus: string;
  ResourceStatusReason?: string;
  ResourceProperties?: string;
  Timestamp: string;
}

export interface OutputRecord {
  OutputKey: string;
  OutputValue: string;
  Description?: string;
  ExportName?: string;
}

/** What a stack was deployed with: kept so a failed update can go back to it. */
export interface Deployment {
  templateBody: string;
  template: Template;
  parameters: Parameter[];
  /** Resolved parameter values (lists for List<> types). */
  values: Record<string, unknown>;
}

export interface StackRecord {
  StackId: string;
  StackName: string;
  Description?: string;
  StackStatus: string;
  StackStatusReason?: string;
  CreationTime: string;
  LastUpdatedTime?: string;
  DeletionTime?: string;
  DisableRollback: boolean;
  EnableTerminationProtection: boolean;
  Capabilities: string[];
  NotificationARNs: string[];
  Tags: Tag[];
  RoleARN?: string;
  TimeoutInMinutes?: number;
  ChangeSetId?: string;
  current: Deployment;
  /** During an update: the deployment being replaced. */
  previous?: Deployment;
  /** The Deployment requested by the operation in progress, for recovery after a restart. */
  pending?: Deployment;
  resources: Record<string, ResourceRecord>;
  /** Resources the update in progress replaced or added, for rollback and cleanup. */
  updateLog?: { logicalId: string; action: 'Add' | 'Modify' | 'Replace'; old?: ResourceRecord }[];
  outputs: OutputRecord[];
  /** Export names this stack's template imports. */
  imports: string[];
  events: StackEventRecord[];
}

export interface ChangeSetRecord {
  ChangeSetId: string;
  ChangeSetName: string;
  StackId: string;
  StackName: string;
  Description?: string;
  ChangeSetType: 'CREATE' | 'UPDATE' | 'IMPORT';
  Status: string;
  StatusReason?: string;
  ExecutionStatus: string;
  CreationTime: string;
  Capabilities: string[];
  Tags: Tag[];
  NotificationARNs: string[];
  RoleARN?: string;
  IncludeNestedStacks: boolean;
  deployment: Deployment;
  changes: Change[];
}

export interface CloudFormationState {
  stacks: Record<string, StackRecord>;
  changeSets: Record<string, ChangeSetRecord>;
}

export const initialCfnState = (): CloudFormationState => ({ stacks: {}, changeSets: {} });

export const cfnState = (emulator: Emulator, accountId: string, region: string): CloudFormationState =>
  emulator.stateFor<CloudFormationState>('cloudformation', accountId, region);

export const cfnStateOf = (ctx: Pick<RequestContext, 'emulator' | 'accountId' | 'region'>) => cfnState(ctx.emulator, ctx.accountId, ctx.region);

/** Stacks that are not deleted, by name or id; deleted ones only by id, as CloudFormation finds them. */
export function findStack(state: CloudFormationState, nameOrId: string | undefined): StackRecord | undefined {
  if (!nameOrId) return undefined;
  if (nameOrId.startsWith('arn:')) return state.stacks[nameOrId];
  return Object.values(state.stacks).find((s) => s.StackName === nameOrId && s.StackStatus !== 'DELETE_COMPLETE');
}

export const isDeleted = (s: StackRecord) => s.StackStatus === 'DELETE_COMPLETE';
