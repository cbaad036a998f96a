import type {
  Change,
  CreateChangeSetInput,
  CreateChangeSetOutput,
  DeleteChangeSetInput,
  DescribeChangeSetInput,
  DescribeChangeSetOutput,
  ExecuteChangeSetInput,
  ListChangeSetsInput,
  ListChangeSetsOutput,
  ResourceChangeDetail,
} from '@aws-sdk/client-cloudformation';
import { AwsError } from '../../core/errors.js';
import { operation, type RequestContext } from '../../core/service.js';
import { cfnStateOf, findStack, type ChangeSetRecord, type Deployment, type StackRecord } from './state.js';
import { changeSetArn, checkStackName, prepareDeployment, requireStack, sameDeployment, shownParameters, stackArn, validation } from './deployments.js';
import { conditionsOf, launch, runCreate, runUpdate, setStackStatus, stackEvent, type Where } from './engine/run.js';
import { planResources } from './template/prepare.js';
import { resolveValue, type ResolveContext } from './template/intrinsics.js';
import { providers } from './providers/index.js';
import { changed } from './providers/types.js';
import { checkUpdatable, pageOf } from './stacks.js';
import { pseudoParameters, exportValue } from './engine/run.js';

const where = (ctx: RequestContext): Where => ({ emulator: ctx.emulator, accountId: ctx.accountId, region: ctx.region });
const nowIso = (ctx: RequestContext) => new Date(ctx.emulator.clock.now()).toISOString();

function findChangeSet(ctx: RequestContext, name: string | undefined, stackName: string | undefined): ChangeSetRecord {
  const state = cfnStateOf(ctx);
  let cs: ChangeSetRecord | undefined;
  if (name?.startsWith('arn:')) cs = state.changeSets[name];
  else {
    if (!stackName) throw validation('StackName must be specified if ChangeSetName is not specified as an ARN.');
    const stack = findStack(state, stackName);
    if (!stack) throw new AwsError('ChangeSetNotFound', `ChangeSet [${name}] does not exist`, 404);
    cs = Object.values(state.changeSets).find((c) => c.StackId === stack.StackId && c.ChangeSetName === name);
  }
  if (!cs) throw new AwsError('ChangeSetNotFound', `ChangeSet [${name}] does not exist`, 404);
  return cs;
}

/**
 * What executing a deployment would do to a stack: Add, Remove, or Modify with the replacement
 * each changed property implies. Values that depend on resources not created yet are "Dynamic".
 */
function computeChanges(w: Where, stack: StackRecord, dep: Deployment): Change[] {
  const conditions = conditionsOf(w, stack, dep);
  const plan = planResources(dep.template, conditions);
  const ctx: ResolveContext = {
    params: { ...dep.values, ...pseudoParameters(w, stack) },
    conditions,
    mappings: dep.template.Mappings,
    region: w.region,
    resource: (id) => {
      const r = stack.resources[id];
      return r?.PhysicalResourceId !== undefined ? { ref: r.ref ?? r.PhysicalResourceId, attributes: r.attributes } : undefined;
    },
    importValue: (name) => exportValue(w, name)?.value ?? '',
  };
  const changes: Change[] = [];
  for (const [id, planned] of plan) {
    const existing = stack.resources[id];
    if (!existing || existing.ResourceStatus === 'DELETE_COMPLETE') {
      changes.push({ Type: 'Resource', ResourceChange: { Action: 'Add', LogicalResourceId: id, ResourceType: planned.def.Type, Scope: [], Details: [] } });
      continue;
    }
    const before = existing.properties;
    const after = (planned.def.Properties ?? {}) as Record<string, unknown>;
    const details: ResourceChangeDetail[] = [];
    const provider = providers[planned.def.Type];
    let replacement: 'True' | 'False' | 'Conditional' = existing.ResourceType !== planned.def.Type ? 'True' : 'False';
    for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
      let value: unknown;
      let dynamic = false;
      try {
        value = key in after ? resolveValue(after[key], ctx) : undefined;
      } catch {
        dynamic = true;
      }
      if (!dynamic && !changed(value, before[key])) continue;
      const recreation = !provider?.update || provider.replaceOn.includes(key) ? 'Always' : provider.conditionalOn?.includes(key) ? 'Conditionally' : 'Never';
      if (recreation === 'Always') replacement = 'True';
      else if (recreation === 'Conditionally' && replacement === 'False') replacement = 'Conditional';
      details.push({
        Target: { Attribute: 'Properties', Name: key, RequiresRecreation: recreation },
        Evaluation: dynamic ? 'Dynamic' : 'Static',
        ChangeSource: dynamic ? 'ResourceAttribute' : 'DirectModification',
      });
    }
    if (details.length || existing.ResourceType !== planned.def.Type) {
      changes.push({
        Type: 'Resource',
        ResourceChange: {
          Action: 'Modify',
          LogicalResourceId: id,
          PhysicalResourceId: existing.PhysicalResourceId,
          ResourceType: planned.def.Type,
          Replacement: replacement,
          Scope: ['Properties'],
          Details: details,
        },
      });
    }
  }
  for (const r of Object.values(stack.resources)) {
    if (!plan.has(r.LogicalResourceId) && r.ResourceStatus !== 'DELETE_COMPLETE') {
      changes.push({ Type: 'Resource', ResourceChange: { Action: 'Remove', LogicalResourceId: r.LogicalResourceId, PhysicalResourceId: r.PhysicalResourceId, ResourceType: r.ResourceType, Scope: [], Details: [] } });
    }
  }
  return changes;
}

export const CreateChangeSet = operation<CreateChangeSetInput, CreateChangeSetOutput>({
  async handler(input, ctx) {
    const state = cfnStateOf(ctx);
    const type = (input.ChangeSetType ?? 'UPDATE') as ChangeSetRecord['ChangeSetType'];
    if (type === 'IMPORT') throw validation('awslings: IMPORT change sets are not supported by the sandbox.');
    const name = input.ChangeSetName!;
    if (!/^[a-zA-Z][-a-zA-Z0-9]*$/.test(name)) {
      throw validation(`1 validation error detected: Value '${name}' at 'changeSetName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z][-a-zA-Z0-9]*`);
    }
    let stack = findStack(state, input.StackName);
    if (type === 'CREATE') {
      if (stack && stack.StackStatus !== 'REVIEW_IN_PROGRESS') {
        throw validation(`Stack [${input.StackName}] already exists and cannot be created again with the changeSet [${name}].`);
      }
    } else {
      if (!stack) throw validation(`Stack [${input.StackName}] does not exist`);
      if (stack.StackStatus === 'REVIEW_IN_PROGRESS') throw validation(`Stack [${input.StackName}] does not exist`);
      checkUpdatable(stack);
    }
    if (stack && Object.values(state.changeSets).some((c) => c.StackId === stack!.StackId && c.ChangeSetName === name)) {
      throw new AwsError('AlreadyExistsException', `ChangeSet [${name}] already exists`, 400);
    }
    const shell = stack ?? { StackName: checkStackName(input.StackName), StackId: stackArn(ctx, input.StackName!), NotificationARNs: input.NotificationARNs ?? [] };
    const dep = await prepareDeployment(ctx, shell, input, stack?.current, true);
    if (!stack) {
      stack = {
        ...shell,
        Description: dep.template.Description,
        StackStatus: 'REVIEW_IN_PROGRESS',
        CreationTime: nowIso(ctx),
        DisableRollback: false,
        EnableTerminationProtection: false,
        Capabilities: input.Capabilities ?? [],
        Tags: input.Tags ?? [],
        RoleARN: input.RoleARN,
        current: dep,
        resources: {},
        outputs: [],
        imports: [],
        events: [],
      };
      state.stacks[stack.StackId] = stack;
      stackEvent(where(ctx), stack, 'REVIEW_IN_PROGRESS', 'User Initiated');
    }
    const cs: ChangeSetRecord = {
      ChangeSetId: changeSetArn(ctx, name),
      ChangeSetName: name,
      StackId: stack.StackId,
      StackName: stack.StackName,
      Description: input.Description,
      ChangeSetType: type,
      Status: 'CREATE_PENDING',
      ExecutionStatus: 'UNAVAILABLE',
      CreationTime: nowIso(ctx),
      Capabilities: input.Capabilities ?? [],
      Tags: input.Tags ?? stack.Tags,
      NotificationARNs: input.NotificationARNs ?? [],
      RoleARN: input.RoleARN,
      IncludeNestedStacks: false,
      deployment: dep,
      changes: [],
    };
    state.changeSets[cs.ChangeSetId] = cs;
    const target = stack;
    // Changes are worked out in the background, as CloudFormation does (clients wait for CREATE_COMPLETE).
    setImmediate(() => {
      cs.Status = 'CREATE_IN_PROGRESS';
      try {
        cs.changes = computeChanges(where(ctx), target, dep);
        if (type === 'UPDATE' && !cs.changes.length && sameDeployment(dep, target.current)) {
          cs.Status = 'FAILED';
          cs.StatusReason = "The submitted information didn't contain changes. Submit different information to create a change set.";
        } else {
          cs.Status = 'CREATE_COMPLETE';
          cs.ExecutionStatus = 'AVAILABLE';
        }
      } catch (e) {
        cs.Status = 'FAILED';
        cs.StatusReason = (e as Error).message;
      }
      ctx.emulator.persistSoon();
    });
    return { Id: cs.ChangeSetId, StackId: stack.StackId };
  },
});

export const DescribeChangeSet = operation<DescribeChangeSetInput, DescribeChangeSetOutput>({
  handler(input, ctx) {
    const cs = findChangeSet(ctx, input.ChangeSetName, input.StackName);
    const { page, NextToken } = pageOf(cs.changes, input.NextToken, 100);
    const params = shownParameters(cs.deployment);
    return {
      ChangeSetName: cs.ChangeSetName,
      ChangeSetId: cs.ChangeSetId,
      StackId: cs.StackId,
      StackName: cs.StackName,
      Description: cs.Description,
      Parameters: params.length ? params : undefined,
      CreationTime: new Date(cs.CreationTime),
      ExecutionStatus: cs.ExecutionStatus as never,
      Status: cs.Status as never,
      StatusReason: cs.StatusReason,
      NotificationARNs: cs.NotificationARNs,
      RollbackConfiguration: {},
      Capabilities: cs.Capabilities as never,
      Tags: cs.Tags.length ? cs.Tags : undefined,
      Changes: page,
      NextToken,
      IncludeNestedStacks: cs.IncludeNestedStacks,
    };
  },
});

export const ExecuteChangeSet = operation<ExecuteChangeSetInput, object>({
  handler(input, ctx) {
    const cs = findChangeSet(ctx, input.ChangeSetName, input.StackName);
    if (cs.Status !== 'CREATE_COMPLETE' || cs.ExecutionStatus !== 'AVAILABLE') {
      throw new AwsError('InvalidChangeSetStatus', `ChangeSet [${cs.ChangeSetId}] cannot be executed in its current status of [${cs.Status}]`, 400);
    }
    const state = cfnStateOf(ctx);
    const stack = state.stacks[cs.StackId];
    if (!stack || stack.StackStatus === 'DELETE_COMPLETE') throw validation(`Stack [${cs.StackName}] does not exist`);
    cs.ExecutionStatus = 'EXECUTE_IN_PROGRESS';
    // CloudFormation deletes the stack's other change sets: they no longer fit the updated stack.
    for (const [id, other] of Object.entries(state.changeSets)) {
      if (other.StackId === cs.StackId && other !== cs) delete state.changeSets[id];
    }
    stack.ChangeSetId = cs.ChangeSetId;
    if (input.DisableRollback !== undefined) stack.DisableRollback = input.DisableRollback;
    stack.Capabilities = cs.Capabilities;
    stack.Tags = cs.Tags;
    stack.Description = cs.deployment.template.Description;
    const finish = (ok: boolean) => {
      cs.ExecutionStatus = ok ? 'EXECUTE_COMPLETE' : 'EXECUTE_FAILED';
    };
    if (cs.ChangeSetType === 'CREATE') {
      stack.current = cs.deployment;
      stack.CreationTime = nowIso(ctx);
      setStackStatus(where(ctx), stack, 'CREATE_IN_PROGRESS', 'User Initiated');
      launch(where(ctx), stack, async (w, s) => {
        await runCreate(w, s);
        finish(s.StackStatus === 'CREATE_COMPLETE');
      });
    } else {
      checkUpdatable(stack);
      stack.previous = stack.current;
      stack.current = cs.deployment;
      stack.LastUpdatedTime = nowIso(ctx);
      setStackStatus(where(ctx), stack, 'UPDATE_IN_PROGRESS', 'User Initiated');
      launch(where(ctx), stack, async (w, s) => {
        await runUpdate(w, s);
        finish(s.StackStatus === 'UPDATE_COMPLETE');
      });
    }
    return {};
  },
});

export const DeleteChangeSet = operation<DeleteChangeSetInput, object>({
  handler(input, ctx) {
    const cs = findChangeSet(ctx, input.ChangeSetName, input.StackName);
    if (cs.ExecutionStatus === 'EXECUTE_IN_PROGRESS') {
      throw new AwsError('InvalidChangeSetStatus', `ChangeSet [${cs.ChangeSetId}] cannot be deleted in its current status of [EXECUTE_IN_PROGRESS]`, 400);
    }
    delete cfnStateOf(ctx).changeSets[cs.ChangeSetId];
    return {};
  },
});

export const ListChangeSets = operation<ListChangeSetsInput, ListChangeSetsOutput>({
  handler(input, ctx) {
    const stack = requireStack(ctx, input.StackName);
    const sets = Object.values(cfnStateOf(ctx).changeSets).filter((c) => c.StackId === stack.StackId);
    const { page, NextToken } = pageOf(sets, input.NextToken, 100);
    return {
      Summaries: page.map((c) => ({
        StackId: c.StackId,
        StackName: c.StackName,
        ChangeSetId: c.ChangeSetId,
        ChangeSetName: c.ChangeSetName,
        ExecutionStatus: c.ExecutionStatus as never,
        Status: c.Status as never,
        StatusReason: c.StatusReason,
        CreationTime: new Date(c.CreationTime),
        Description: c.Description,
        IncludeNestedStacks: c.IncludeNestedStacks,
      })),
      NextToken,
    };
  },
});
