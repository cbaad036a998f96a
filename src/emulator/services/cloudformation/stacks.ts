import type {
  CreateStackInput,
  CreateStackOutput,
  DeleteStackInput,
  DescribeStackEventsInput,
  DescribeStackEventsOutput,
  DescribeStackResourceInput,
  DescribeStackResourceOutput,
  DescribeStackResourcesInput,
  DescribeStackResourcesOutput,
  DescribeStacksInput,
  DescribeStacksOutput,
  GetTemplateInput,
  GetTemplateOutput,
  GetTemplateSummaryInput,
  GetTemplateSummaryOutput,
  ListStackResourcesInput,
  ListStackResourcesOutput,
  ListStacksInput,
  ListStacksOutput,
  StackEvent,
  StackResource,
  UpdateStackInput,
  UpdateStackOutput,
  UpdateTerminationProtectionInput,
  UpdateTerminationProtectionOutput,
  ValidateTemplateInput,
  ValidateTemplateOutput,
} from '@aws-sdk/client-cloudformation';
import { AwsError } from '../../core/errors.js';
import { operation, type RequestContext } from '../../core/service.js';
import { cfnStateOf, findStack, type StackRecord } from './state.js';
import {
  checkStackName,
  prepareDeployment,
  requireStack,
  requiredCapabilities,
  sameDeployment,
  stackArn,
  stackNotFound,
  templateBodyOf,
  toStack,
  validation,
} from './deployments.js';
import { importerOf, launch, runCreate, runDelete, runUpdate, settled, setStackStatus, stackEvent } from './engine/run.js';
import { parseTemplate } from './template/parse.js';
import { applyTransforms, transforms } from './template/sam.js';
import { validateStructure } from './template/prepare.js';

const where = (ctx: RequestContext) => ({ emulator: ctx.emulator, accountId: ctx.accountId, region: ctx.region });
const nowIso = (ctx: RequestContext) => new Date(ctx.emulator.clock.now()).toISOString();

/** How long DescribeStacks lets a running operation finish before it answers. */
const SETTLE_MS = 2000;

/** States from which a stack can be updated. */
export const UPDATABLE = new Set(['CREATE_COMPLETE', 'UPDATE_COMPLETE', 'UPDATE_ROLLBACK_COMPLETE', 'IMPORT_COMPLETE', 'IMPORT_ROLLBACK_COMPLETE']);

export function checkUpdatable(stack: StackRecord): void {
  if (!UPDATABLE.has(stack.StackStatus)) {
    throw validation(`Stack:${stack.StackId} is in ${stack.StackStatus} state and can not be updated.`);
  }
}

export const CreateStack = operation<CreateStackInput, CreateStackOutput>({
  async handler(input, ctx) {
    const state = cfnStateOf(ctx);
    const name = checkStackName(input.StackName);
    if (findStack(state, name)) throw new AwsError('AlreadyExistsException', `Stack [${name}] already exists`, 400);
    const shell = { StackName: name, StackId: stackArn(ctx, name), NotificationARNs: input.NotificationARNs ?? [] };
    const dep = await prepareDeployment(ctx, shell, input, undefined, false);
    const stack: StackRecord = {
      ...shell,
      Description: dep.template.Description,
      StackStatus: 'CREATE_IN_PROGRESS',
      CreationTime: nowIso(ctx),
      DisableRollback: input.DisableRollback ?? input.OnFailure === 'DO_NOTHING',
      EnableTerminationProtection: input.EnableTerminationProtection ?? false,
      Capabilities: input.Capabilities ?? [],
      Tags: input.Tags ?? [],
      RoleARN: input.RoleARN,
      TimeoutInMinutes: input.TimeoutInMinutes,
      current: dep,
      resources: {},
      outputs: [],
      imports: [],
      events: [],
    };
    state.stacks[stack.StackId] = stack;
    stackEvent(where(ctx), stack, 'CREATE_IN_PROGRESS', 'User Initiated');
    const onFailureDelete = input.OnFailure === 'DELETE';
    launch(where(ctx), stack, async (w, s) => {
      await runCreate(w, s);
      if (onFailureDelete && s.StackStatus === 'ROLLBACK_COMPLETE') {
        setStackStatus(w, s, 'DELETE_IN_PROGRESS', 'User Initiated');
        await runDelete(w, s);
      }
    });
    return { StackId: stack.StackId };
  },
});

export const UpdateStack = operation<UpdateStackInput, UpdateStackOutput>({
  async handler(input, ctx) {
    const stack = requireStack(ctx, input.StackName);
    checkUpdatable(stack);
    const dep = await prepareDeployment(ctx, stack, input, stack.current, false);
    const tagsChanged = input.Tags !== undefined && JSON.stringify(input.Tags) !== JSON.stringify(stack.Tags);
    if (sameDeployment(dep, stack.current) && !tagsChanged) throw validation('No updates are to be performed.');
    stack.previous = stack.current;
    stack.current = dep;
    stack.Description = dep.template.Description;
    if (input.Capabilities) stack.Capabilities = input.Capabilities;
    if (input.Tags) stack.Tags = input.Tags;
    if (input.DisableRollback !== undefined) stack.DisableRollback = input.DisableRollback;
    stack.ChangeSetId = undefined;
    stack.LastUpdatedTime = nowIso(ctx);
    setStackStatus(where(ctx), stack, 'UPDATE_IN_PROGRESS', 'User Initiated');
    launch(where(ctx), stack, runUpdate);
    return { StackId: stack.StackId };
  },
});

export const DeleteStack = operation<DeleteStackInput, object>({
  handler(input, ctx) {
    const stack = findStack(cfnStateOf(ctx), input.StackName);
    // Deleting a stack that does not exist succeeds, as in CloudFormation.
    if (!stack || stack.StackStatus === 'DELETE_COMPLETE' || stack.StackStatus === 'DELETE_IN_PROGRESS') return {};
    if (stack.EnableTerminationProtection) {
      throw validation(`Stack [${stack.StackName}] cannot be deleted while TerminationProtection is enabled`);
    }
    for (const o of stack.outputs) {
      if (!o.ExportName) continue;
      const user = importerOf(where(ctx), o.ExportName, stack.StackId);
      if (user) throw validation(`Export ${o.ExportName} cannot be deleted as it is in use by ${user.StackName}`);
    }
    if (stack.StackStatus.endsWith('_IN_PROGRESS') && stack.StackStatus !== 'REVIEW_IN_PROGRESS') {
      throw validation(`Stack [${stack.StackName}] cannot be deleted while in status ${stack.StackStatus}`);
    }
    if (stack.StackStatus === 'REVIEW_IN_PROGRESS') {
      stack.DeletionTime = nowIso(ctx);
      setStackStatus(where(ctx), stack, 'DELETE_COMPLETE');
      return {};
    }
    const retained = new Set(input.RetainResources ?? []);
    for (const r of Object.values(stack.resources)) if (retained.has(r.LogicalResourceId)) r.DeletionPolicy = 'Retain';
    setStackStatus(where(ctx), stack, 'DELETE_IN_PROGRESS', 'User Initiated');
    launch(where(ctx), stack, runDelete);
    return {};
  },
});

export const DescribeStacks = operation<DescribeStacksInput, DescribeStacksOutput>({
  async handler(input, ctx) {
    const state = cfnStateOf(ctx);
    if (input.StackName) {
      const stack = requireStack(ctx, input.StackName);
      await settled([stack.StackId], SETTLE_MS);
      return { Stacks: [toStack(stack)] };
    }
    const stacks = Object.values(state.stacks)
      .filter((s) => s.StackStatus !== 'DELETE_COMPLETE')
      .sort((a, b) => (a.CreationTime < b.CreationTime ? 1 : -1));
    return { Stacks: stacks.map(toStack) };
  },
});

export const ListStacks = operation<ListStacksInput, ListStacksOutput>({
  handler(input, ctx) {
    const filter = input.StackStatusFilter?.length ? new Set<string>(input.StackStatusFilter) : undefined;
    const stacks = Object.values(cfnStateOf(ctx).stacks)
      .filter((s) => !filter || filter.has(s.StackStatus))
      .sort((a, b) => (a.CreationTime < b.CreationTime ? 1 : -1));
    return {
      StackSummaries: stacks.map((s) => ({
        StackId: s.StackId,
        StackName: s.StackName,
        TemplateDescription: s.Description,
        CreationTime: new Date(s.CreationTime),
        LastUpdatedTime: s.LastUpdatedTime ? new Date(s.LastUpdatedTime) : undefined,
        DeletionTime: s.DeletionTime ? new Date(s.DeletionTime) : undefined,
        StackStatus: s.StackStatus as never,
        StackStatusReason: s.StackStatusReason,
        DriftInformation: { StackDriftStatus: 'NOT_CHECKED' },
      })),
    };
  },
});

/** NextToken for lists CloudFormation pages: an opaque offset. */
export function pageOf<T>(items: T[], token: string | undefined, size: number): { page: T[]; NextToken?: string } {
  const start = token ? Number(Buffer.from(token, 'base64').toString('utf8')) || 0 : 0;
  const page = items.slice(start, start + size);
  return { page, NextToken: start + size < items.length ? Buffer.from(String(start + size)).toString('base64') : undefined };
}

export const DescribeStackEvents = operation<DescribeStackEventsInput, DescribeStackEventsOutput>({
  handler(input, ctx) {
    const stack = findStack(cfnStateOf(ctx), input.StackName);
    if (!stack) throw validation(`Stack [${input.StackName}] does not exist`);
    const events = [...stack.events].reverse();
    const { page, NextToken } = pageOf(events, input.NextToken, 100);
    return {
      StackEvents: page.map(
        (e): StackEvent => ({
          StackId: stack.StackId,
          EventId: e.EventId,
          StackName: stack.StackName,
          LogicalResourceId: e.LogicalResourceId,
          PhysicalResourceId: e.PhysicalResourceId,
          ResourceType: e.ResourceType,
          Timestamp: new Date(e.Timestamp),
          ResourceStatus: e.ResourceStatus as StackEvent['ResourceStatus'],
          ResourceStatusReason: e.ResourceStatusReason,
          ResourceProperties: e.ResourceProperties,
        }),
      ),
      NextToken,
    };
  },
});

const visible = (s: StackRecord) => Object.values(s.resources).filter((r) => r.ResourceStatus !== 'DELETE_COMPLETE' || s.StackStatus === 'DELETE_COMPLETE');

function stackOfPhysical(ctx: RequestContext, physicalId: string): StackRecord | undefined {
  return Object.values(cfnStateOf(ctx).stacks).find((s) => s.StackStatus !== 'DELETE_COMPLETE' && Object.values(s.resources).some((r) => r.PhysicalResourceId === physicalId));
}

export const DescribeStackResources = operation<DescribeStackResourcesInput, DescribeStackResourcesOutput>({
  handler(input, ctx) {
    if (!input.StackName && !input.PhysicalResourceId) throw validation('Either StackName or PhysicalResourceId must be specified.');
    const stack = input.StackName ? requireStack(ctx, input.StackName) : stackOfPhysical(ctx, input.PhysicalResourceId!);
    if (!stack) throw stackNotFound(input.PhysicalResourceId);
    const resources = visible(stack).filter(
      (r) => (!input.LogicalResourceId || r.LogicalResourceId === input.LogicalResourceId) && (!input.PhysicalResourceId || !input.StackName || r.PhysicalResourceId === input.PhysicalResourceId),
    );
    return {
      StackResources: resources.map(
        (r): StackResource => ({
          StackName: stack.StackName,
          StackId: stack.StackId,
          LogicalResourceId: r.LogicalResourceId,
          PhysicalResourceId: r.PhysicalResourceId,
          ResourceType: r.ResourceType,
          Timestamp: new Date(r.LastUpdatedTimestamp),
          ResourceStatus: r.ResourceStatus as StackResource['ResourceStatus'],
          ResourceStatusReason: r.ResourceStatusReason,
          DriftInformation: { StackResourceDriftStatus: 'NOT_CHECKED' },
        }),
      ),
    };
  },
});

export const DescribeStackResource = operation<DescribeStackResourceInput, DescribeStackResourceOutput>({
  handler(input, ctx) {
    const stack = requireStack(ctx, input.StackName);
    const r = visible(stack).find((x) => x.LogicalResourceId === input.LogicalResourceId);
    if (!r) throw validation(`Resource ${input.LogicalResourceId} does not exist for stack ${stack.StackName}`);
    return {
      StackResourceDetail: {
        StackName: stack.StackName,
        StackId: stack.StackId,
        LogicalResourceId: r.LogicalResourceId,
        PhysicalResourceId: r.PhysicalResourceId,
        ResourceType: r.ResourceType,
        LastUpdatedTimestamp: new Date(r.LastUpdatedTimestamp),
        ResourceStatus: r.ResourceStatus as never,
        ResourceStatusReason: r.ResourceStatusReason,
        Metadata: r.Metadata !== undefined ? JSON.stringify(r.Metadata) : undefined,
        DriftInformation: { StackResourceDriftStatus: 'NOT_CHECKED' },
      },
    };
  },
});

export const ListStackResources = operation<ListStackResourcesInput, ListStackResourcesOutput>({
  handler(input, ctx) {
    const stack = requireStack(ctx, input.StackName);
    const { page, NextToken } = pageOf(visible(stack), input.NextToken, 100);
    return {
      StackResourceSummaries: page.map((r) => ({
        LogicalResourceId: r.LogicalResourceId,
        PhysicalResourceId: r.PhysicalResourceId,
        ResourceType: r.ResourceType,
        LastUpdatedTimestamp: new Date(r.LastUpdatedTimestamp),
        ResourceStatus: r.ResourceStatus as never,
        ResourceStatusReason: r.ResourceStatusReason,
        DriftInformation: { StackResourceDriftStatus: 'NOT_CHECKED' },
      })),
      NextToken,
    };
  },
});

export const GetTemplate = operation<GetTemplateInput, GetTemplateOutput>({
  handler(input, ctx) {
    const state = cfnStateOf(ctx);
    let dep;
    if (input.ChangeSetName) {
      const cs = input.ChangeSetName.startsWith('arn:')
        ? state.changeSets[input.ChangeSetName]
        : (() => {
            if (!input.StackName) throw validation('StackName is a required parameter.');
            const stack = requireStack(ctx, input.StackName);
            return Object.values(state.changeSets).find((c) => c.StackId === stack.StackId && c.ChangeSetName === input.ChangeSetName);
          })();
      if (!cs) throw new AwsError('ChangeSetNotFound', `ChangeSet [${input.ChangeSetName}] does not exist`, 404);
      dep = cs.deployment;
    } else {
      if (!input.StackName) throw validation('StackName is required if ChangeSetName is not specified.');
      dep = requireStack(ctx, input.StackName).current;
    }
    return {
      TemplateBody: input.TemplateStage === 'Processed' ? JSON.stringify(dep.template) : dep.templateBody,
      StagesAvailable: ['Original', 'Processed'],
    };
  },
});

function summarizeParameters(template: ReturnType<typeof parseTemplate>) {
  return Object.entries(template.Parameters ?? {}).map(([key, p]) => ({
    ParameterKey: key,
    DefaultValue: p.Default !== undefined ? (Array.isArray(p.Default) ? p.Default.join(',') : String(p.Default)) : undefined,
    NoEcho: p.NoEcho === true || p.NoEcho === 'true',
    Description: p.Description,
  }));
}

export const ValidateTemplate = operation<ValidateTemplateInput, ValidateTemplateOutput>({
  async handler(input, ctx) {
    const body = await templateBodyOf(ctx, input);
    const original = parseTemplate(body);
    const template = applyTransforms(original);
    validateStructure(template);
    const { capabilities, reason } = requiredCapabilities(original, template);
    return {
      Parameters: summarizeParameters(original),
      Description: original.Description,
      Capabilities: capabilities.filter((c) => c !== 'CAPABILITY_AUTO_EXPAND').length ? (capabilities as never) : undefined,
      CapabilitiesReason: reason,
      DeclaredTransforms: transforms(original).length ? transforms(original) : undefined,
    };
  },
});

export const GetTemplateSummary = operation<GetTemplateSummaryInput, GetTemplateSummaryOutput>({
  async handler(input, ctx) {
    let body: string;
    if (input.StackName) {
      const stack = requireStack(ctx, input.StackName);
      if (stack.StackStatus === 'REVIEW_IN_PROGRESS') throw validation('GetTemplateSummary cannot be called on REVIEW_IN_PROGRESS stacks.');
      body = stack.current.templateBody;
    } else body = await templateBodyOf(ctx, input);
    const original = parseTemplate(body);
    const template = applyTransforms(original);
    validateStructure(template);
    const { capabilities, reason } = requiredCapabilities(original, template);
    const byType = new Map<string, string[]>();
    for (const [id, r] of Object.entries(template.Resources ?? {})) {
      if (!byType.has(r.Type)) byType.set(r.Type, []);
      byType.get(r.Type)!.push(id);
    }
    return {
      Parameters: Object.entries(original.Parameters ?? {}).map(([key, p]) => ({
        ParameterKey: key,
        DefaultValue: p.Default !== undefined ? String(p.Default) : undefined,
        ParameterType: p.Type,
        NoEcho: p.NoEcho === true || p.NoEcho === 'true',
        Description: p.Description,
        ParameterConstraints: p.AllowedValues ? { AllowedValues: p.AllowedValues.map(String) } : {},
      })),
      Description: original.Description,
      Capabilities: capabilities.length ? (capabilities as never) : undefined,
      CapabilitiesReason: reason,
      ResourceTypes: [...byType.keys()],
      Version: original.AWSTemplateFormatVersion ?? '2010-09-09',
      Metadata: original.Metadata ? JSON.stringify(original.Metadata) : undefined,
      DeclaredTransforms: transforms(original).length ? transforms(original) : undefined,
      ResourceIdentifierSummaries: [...byType].map(([ResourceType, LogicalResourceIds]) => ({ ResourceType, LogicalResourceIds })),
    };
  },
});

export const UpdateTerminationProtection = operation<UpdateTerminationProtectionInput, UpdateTerminationProtectionOutput>({
  handler(input, ctx) {
    const stack = requireStack(ctx, input.StackName);
    stack.EnableTerminationProtection = input.EnableTerminationProtection!;
    return { StackId: stack.StackId };
  },
});
