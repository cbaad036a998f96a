import { randomUUID } from 'node:crypto';
import { isAwsError } from '../../../core/errors.js';
import type { Emulator } from '../../../emulator.js';
import { catalog } from '../../catalog.js';
import { providers } from '../providers/index.js';
import type { ProviderContext, ResourceProvider } from '../providers/types.js';
import { changed } from '../providers/types.js';
import { lineOf, type TemplateResource } from '../template/parse.js';
import { NO_VALUE, evaluateConditions, resolveValue, type ResolveContext } from '../template/intrinsics.js';
import { planResources, type PlannedResource } from '../template/prepare.js';
import { dependents, runGraph } from './graph.js';
import { cfnState, type Deployment, type OutputRecord, type ResourceRecord, type StackRecord } from '../state.js';

export interface Where {
  emulator: Emulator;
  accountId: string;
  region: string;
}

/** A resource could not be provisioned: the reason, as the event and the stack status show it. */
class ResourceFailure extends Error {}

const nowIso = (w: Where) => new Date(w.emulator.clock.now()).toISOString();
const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

/** The stack's own event (LogicalResourceId = stack name). */
export function stackEvent(w: Where, stack: StackRecord, status: string, reason?: string): void {
  stack.events.push({
    EventId: randomUUID(),
    LogicalResourceId: stack.StackName,
    PhysicalResourceId: stack.StackId,
    ResourceType: 'AWS::CloudFormation::Stack',
    ResourceStatus: status,
    ResourceStatusReason: reason,
    Timestamp: nowIso(w),
  });
}

export function setStackStatus(w: Where, stack: StackRecord, status: string, reason?: string): void {
  // A rolled-back stack keeps saying why it rolled back.
  const keep = (status === 'ROLLBACK_COMPLETE' || status === 'UPDATE_ROLLBACK_COMPLETE' || status.endsWith('CLEANUP_IN_PROGRESS')) && status.includes('ROLLBACK');
  stack.StackStatus = status;
  stack.StackStatusReason = reason ?? (keep ? stack.StackStatusReason : undefined);
  stackEvent(w, stack, status, reason);
  w.emulator.persistSoon();
}

function resourceEvent(w: Where, stack: StackRecord, rec: ResourceRecord, status: string, reason?: string, withPhysical = true): void {
  const ts = nowIso(w);
  rec.ResourceStatus = status;
  rec.ResourceStatusReason = reason;
  rec.LastUpdatedTimestamp = ts;
  stack.events.push({
    EventId: `${rec.LogicalResourceId}-${status}-${ts}`,
    LogicalResourceId: rec.LogicalResourceId,
    PhysicalResourceId: withPhysical ? (rec.PhysicalResourceId ?? '') : '',
    ResourceType: rec.ResourceType,
    ResourceStatus: status,
    ResourceStatusReason: reason,
    ResourceProperties: JSON.stringify(rec.properties),
    Timestamp: ts,
  });
  w.emulator.persistSoon();
}

export function pseudoParameters(w: Where, stack: Pick<StackRecord, 'StackName' | 'StackId' | 'NotificationARNs'>): Record<string, unknown> {
  return {
    'AWS::AccountId': w.accountId,
    'AWS::Region': w.region,
    'AWS::StackName': stack.StackName,
    'AWS::StackId': stack.StackId,
    'AWS::Partition': 'aws',
    'AWS::URLSuffix': 'amazonaws.com',
    'AWS::NotificationARNs': stack.NotificationARNs,
  };
}

/** The value of an export, from any stack of the account and region. */
export function exportValue(w: Where, name: string): { value: string; stack: StackRecord } | undefined {
  for (const s of Object.values(cfnState(w.emulator, w.accountId, w.region).stacks)) {
    if (s.StackStatus === 'DELETE_COMPLETE') continue;
    const o = s.outputs.find((x) => x.ExportName === name);
    if (o) return { value: o.OutputValue, stack: s };
  }
  return undefined;
}

function resolver(w: Where, stack: StackRecord, dep: Deployment, conditions: Record<string, boolean>, imports?: Set<string>): ResolveContext {
  return {
    params: { ...dep.values, ...pseudoParameters(w, stack) },
    conditions,
    mappings: dep.template.Mappings,
    region: w.region,
    resource: (id) => {
      const r = stack.resources[id];
      if (!r || r.PhysicalResourceId === undefined) return undefined;
      return { ref: r.ref ?? r.PhysicalResourceId, attributes: r.attributes };
    },
    importValue: (name) => {
      const found = exportValue(w, name);
      if (!found) throw new ResourceFailure(`No export named ${name} found.`);
      imports?.add(name);
      return found.value;
    },
  };
}

export function conditionsOf(w: Where, stack: StackRecord, dep: Deployment): Record<string, boolean> {
  return evaluateConditions(dep.template, { ...resolver(w, stack, dep, {}), params: { ...dep.values, ...pseudoParameters(w, stack) } });
}

function providerContext(w: Where, stack: StackRecord, logicalId: string): ProviderContext {
  return {
    emulator: w.emulator,
    accountId: w.accountId,
    region: w.region,
    stackName: stack.StackName,
    stackId: stack.StackId,
    logicalId,
    call: (service, operation, input) => w.emulator.call(service, operation, input, { accountId: w.accountId, region: w.region }),
  };
}

/** The provider for a type, or the reason the sandbox cannot deploy it (naming the type, logical id and line). */
function providerFor(stack: StackRecord, logicalId: string, type: string): ResourceProvider {
  const line = lineOf(stack.current.templateBody, logicalId);
  const where = `resource ${logicalId}${line ? ` (template line ${line})` : ''}`;
  const p = providers[type];
  if (!p) {
    throw new ResourceFailure(
      `awslings: unsupported resource type ${type} in ${where}. The sandbox cannot create this type; it supports ${Object.keys(providers).sort().join(', ')}.`,
    );
  }
  if (!catalog.some((e) => e.id === p.service)) {
    throw new ResourceFailure(`awslings: the resource type ${type} in ${where} needs the ${p.service} service, which this sandbox does not include yet.`);
  }
  return p;
}

/** An error from a service, as CloudFormation words a handler's failure. */
function reasonOf(e: unknown): string {
  if (e instanceof ResourceFailure) return e.message;
  if (isAwsError(e)) return `Resource handler returned message: "${e.message}" (Service: ${e.code}, Status Code: ${e.status ?? 400}, HandlerErrorCode: ${handlerCode(e.code)})`;
  return (e as Error)?.message ?? String(e);
}

const handlerCode = (code: string) =>
  /AlreadyExists|AlreadyOwned|EntityAlreadyExists/.test(code)
    ? 'AlreadyExists'
    : /NotFound|NoSuch/.test(code)
      ? 'NotFound'
      : /AccessDenied/.test(code)
        ? 'AccessDenied'
        : /Limit/.test(code)
          ? 'ServiceLimitExceeded'
          : 'InvalidRequest';

function resolveProperties(w: Where, stack: StackRecord, def: TemplateResource, ctx: ResolveContext): Record<string, unknown> {
  try {
    const v = resolveValue(def.Properties ?? {}, ctx);
    return v === NO_VALUE ? {} : (v as Record<string, unknown>);
  } catch (e) {
    throw new ResourceFailure(reasonOf(e));
  }
}

function checkRequired(p: ResourceProvider, props: Record<string, unknown>): void {
  const missing = (p.required ?? []).filter((k) => props[k] === undefined);
  if (missing.length) throw new ResourceFailure(`Properties validation failed for resource with message: #: required key [${missing[0]}] not found`);
}

function newRecord(w: Where, id: string, planned: PlannedResource, props: Record<string, unknown>): ResourceRecord {
  return {
    LogicalResourceId: id,
    ResourceType: planned.def.Type,
    ResourceStatus: 'CREATE_IN_PROGRESS',
    LastUpdatedTimestamp: nowIso(w),
    properties: props,
    attributes: {},
    dependsOn: planned.deps,
    DeletionPolicy: planned.def.DeletionPolicy,
    UpdateReplacePolicy: planned.def.UpdateReplacePolicy,
    Metadata: planned.def.Metadata,
  };
}

/** Creates one resource, with CloudFormation's three events; the record ends CREATE_COMPLETE or CREATE_FAILED. */
async function createResource(w: Where, stack: StackRecord, planned: PlannedResource, ctx: ResolveContext, statusPrefix: 'CREATE' | 'UPDATE' = 'CREATE', replacing?: ResourceRecord): Promise<void> {
  const id = planned.id;
  const rec = newRecord(w, id, planned, {});
  if (!replacing) stack.resources[id] = rec;
  const ev = (status: string, reason?: string, withPhysical = true) => resourceEvent(w, stack, replacing ? working : rec, status, reason, withPhysical);
  // While a replacement is being created the record keeps the old physical id until it is ready.
  const working = replacing ?? rec;
  try {
    const props = resolveProperties(w, stack, planned.def, ctx);
    rec.properties = props;
    if (replacing) replacing.properties = props;
    if (!replacing) ev(`${statusPrefix}_IN_PROGRESS`, undefined, false);
    else ev('UPDATE_IN_PROGRESS', 'Requested update requires the creation of a new physical resource; hence creating one.');
    const provider = providerFor(stack, id, planned.def.Type);
    checkRequired(provider, props);
    const out = await provider.create(providerContext(w, stack, id), props);
    Object.assign(working, {
      PhysicalResourceId: out.physicalId,
      attributes: out.attributes ?? {},
      ref: out.ref,
      properties: props,
      dependsOn: planned.deps,
      ResourceType: planned.def.Type,
      DeletionPolicy: planned.def.DeletionPolicy,
      UpdateReplacePolicy: planned.def.UpdateReplacePolicy,
      Metadata: planned.def.Metadata,
    });
    ev(`${statusPrefix}_IN_PROGRESS`, 'Resource creation Initiated');
    ev(`${statusPrefix}_COMPLETE`);
  } catch (e) {
    ev(`${statusPrefix}_FAILED`, reasonOf(e), rec.PhysicalResourceId !== undefined);
    throw e;
  }
}

/** Deletes one resource (or skips it when its policy retains it). */
async function deleteResource(w: Where, stack: StackRecord, rec: ResourceRecord, retain: boolean): Promise<void> {
  if (rec.ResourceStatus === 'DELETE_COMPLETE' || rec.ResourceStatus === 'DELETE_SKIPPED') return;
  if (retain && rec.PhysicalResourceId !== undefined) {
    resourceEvent(w, stack, rec, 'DELETE_SKIPPED');
    return;
  }
  resourceEvent(w, stack, rec, 'DELETE_IN_PROGRESS');
  try {
    if (rec.PhysicalResourceId !== undefined && providers[rec.ResourceType]) {
      await providers[rec.ResourceType].delete(providerContext(w, stack, rec.LogicalResourceId), rec.PhysicalResourceId, rec.properties, rec.attributes);
    }
    resourceEvent(w, stack, rec, 'DELETE_COMPLETE');
  } catch (e) {
    resourceEvent(w, stack, rec, 'DELETE_FAILED', reasonOf(e));
    throw e;
  }
}

/** Deletes records in reverse dependency order; returns the logical ids that failed. */
async function deleteAll(w: Where, stack: StackRecord, records: ResourceRecord[], retain: (r: ResourceRecord) => boolean): Promise<string[]> {
  const ids = records.map((r) => r.LogicalResourceId);
  const byId = new Map(records.map((r) => [r.LogicalResourceId, r]));
  const after = dependents(ids, (id) => byId.get(id)!.dependsOn);
  const failed: string[] = [];
  await runGraph(ids, after, async (id) => {
    try {
      await deleteResource(w, stack, byId.get(id)!, retain(byId.get(id)!));
    } catch {
      failed.push(id);
    }
  });
  return failed;
}

/** Resolves Outputs, checking that exports are unique in the account and region. */
function resolveOutputs(w: Where, stack: StackRecord, dep: Deployment, conditions: Record<string, boolean>, imports: Set<string>): OutputRecord[] {
  const ctx = resolver(w, stack, dep, conditions, imports);
  const out: OutputRecord[] = [];
  for (const [key, o] of Object.entries(dep.template.Outputs ?? {})) {
    if (o.Condition !== undefined && !conditions[o.Condition]) continue;
    const value = resolveValue(o.Value, ctx);
    const exportName = o.Export ? String(resolveValue(o.Export.Name, ctx)) : undefined;
    if (exportName) {
      const other = exportValue(w, exportName);
      if (other && other.stack.StackId !== stack.StackId) {
        throw new ResourceFailure(`Export with name ${exportName} is already exported by stack ${other.stack.StackName}`);
      }
    }
    out.push({
      OutputKey: key,
      OutputValue: Array.isArray(value) ? value.join(',') : String(value),
      Description: o.Description !== undefined ? String(resolveValue(o.Description, ctx)) : undefined,
      ExportName: exportName,
    });
  }
  return out;
}

/** Exports this deployment would drop or change while another stack imports them. */
function checkExportsInUse(w: Where, stack: StackRecord, next: OutputRecord[]): void {
  for (const o of stack.outputs) {
    if (!o.ExportName) continue;
    const kept = next.find((n) => n.ExportName === o.ExportName);
    if (kept && kept.OutputValue === o.OutputValue) continue;
    const user = importerOf(w, o.ExportName, stack.StackId);
    if (user) throw new ResourceFailure(`Cannot update export ${o.ExportName} as it is in use by ${user.StackName}`);
  }
}

export function importerOf(w: Where, exportName: string, exceptStackId?: string): StackRecord | undefined {
  return Object.values(cfnState(w.emulator, w.accountId, w.region).stacks).find(
    (s) => s.StackId !== exceptStackId && s.StackStatus !== 'DELETE_COMPLETE' && s.imports.includes(exportName),
  );
}

const failedList = (ids: string[]) => `[${ids.join(', ')}]`;

/** CREATE: every resource in dependency order; on failure, roll back (unless DisableRollback). */
export async function runCreate(w: Where, stack: StackRecord): Promise<void> {
  const dep = stack.current;
  const imports = new Set<string>();
  let failed: string[] = [];
  let reason: string | undefined;
  try {
    const conditions = conditionsOf(w, stack, dep);
    const plan = planResources(dep.template, conditions);
    const ctx = resolver(w, stack, dep, conditions, imports);
    const result = await runGraph([...plan.keys()], (id) => plan.get(id)!.deps, (id) => createResource(w, stack, plan.get(id)!, ctx));
    failed = result.failed;
    if (!failed.length) {
      stack.outputs = resolveOutputs(w, stack, dep, conditions, imports);
      stack.imports = [...imports];
    }
  } catch (e) {
    reason = reasonOf(e);
  }
  if (!failed.length && !reason) {
    setStackStatus(w, stack, 'CREATE_COMPLETE');
    return;
  }
  stack.imports = [...imports];
  await failCreate(w, stack, reason ?? `The following resource(s) failed to create: ${failedList(failed)}. `);
}

async function failCreate(w: Where, stack: StackRecord, reason: string): Promise<void> {
  if (stack.DisableRollback) {
    setStackStatus(w, stack, 'CREATE_FAILED', reason);
    return;
  }
  setStackStatus(w, stack, 'ROLLBACK_IN_PROGRESS', `${reason}Rollback requested by user.`);
  await rollbackCreate(w, stack);
}

async function rollbackCreate(w: Where, stack: StackRecord): Promise<void> {
  const failedDeletes = await deleteAll(w, stack, Object.values(stack.resources), (r) => r.DeletionPolicy === 'Retain');
  stack.outputs = [];
  if (failedDeletes.length) setStackStatus(w, stack, 'ROLLBACK_FAILED', `The following resource(s) failed to delete: ${failedList(failedDeletes)}. `);
  else setStackStatus(w, stack, 'ROLLBACK_COMPLETE');
}

/** DELETE: every resource in reverse dependency order; Retain keeps the resource. */
export async function runDelete(w: Where, stack: StackRecord): Promise<void> {
  const failed = await deleteAll(w, stack, Object.values(stack.resources), (r) => r.DeletionPolicy === 'Retain');
  if (failed.length) {
    setStackStatus(w, stack, 'DELETE_FAILED', `The following resource(s) failed to delete: ${failedList(failed)}. `);
    return;
  }
  stack.DeletionTime = nowIso(w);
  stack.outputs = [];
  stack.imports = [];
  setStackStatus(w, stack, 'DELETE_COMPLETE');
}

/** Whether a change of properties replaces the resource, given each property's update behaviour. */
export function requiresReplacement(provider: ResourceProvider | undefined, before: Record<string, unknown>, after: Record<string, unknown>): boolean {
  if (!provider?.update) return true;
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...keys].some((k) => changed(before[k], after[k]) && provider.replaceOn.includes(k));
}

/** UPDATE: converge the resources on the new template; on failure, go back to the previous one. */
export async function runUpdate(w: Where, stack: StackRecord): Promise<void> {
  const dep = stack.current;
  const imports = new Set<string>();
  stack.updateLog = [];
  let failed: string[] = [];
  let reason: string | undefined;
  let conditions: Record<string, boolean> = {};
  let plan = new Map<string, PlannedResource>();
  try {
    conditions = conditionsOf(w, stack, dep);
    plan = planResources(dep.template, conditions);
    const ctx = resolver(w, stack, dep, conditions, imports);
    const result = await runGraph([...plan.keys()], (id) => plan.get(id)!.deps, (id) => updateResource(w, stack, plan.get(id)!, ctx));
    failed = result.failed;
    if (!failed.length) {
      const outputs = resolveOutputs(w, stack, dep, conditions, imports);
      checkExportsInUse(w, stack, outputs);
      stack.outputs = outputs;
    }
  } catch (e) {
    reason = reasonOf(e);
  }
  if (failed.length || reason) {
    const verb = failed.every((id) => stack.updateLog!.find((l) => l.logicalId === id)?.action === 'Add') ? 'create' : 'update';
    setStackStatus(w, stack, 'UPDATE_ROLLBACK_IN_PROGRESS', reason ?? `The following resource(s) failed to ${verb}: ${failedList(failed)}. `);
    await rollbackUpdate(w, stack);
    return;
  }
  stack.imports = [...imports];
  setStackStatus(w, stack, 'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS');
  await cleanupUpdate(w, stack, new Set(plan.keys()));
}

async function updateResource(w: Where, stack: StackRecord, planned: PlannedResource, ctx: ResolveContext): Promise<void> {
  const id = planned.id;
  const existing = stack.resources[id];
  const log = stack.updateLog!;
  if (!existing || existing.ResourceStatus === 'DELETE_COMPLETE') {
    log.push({ logicalId: id, action: 'Add' });
    await createResource(w, stack, planned, ctx);
    return;
  }
  const props = resolveProperties(w, stack, planned.def, ctx);
  existing.dependsOn = planned.deps;
  const typeChanged = existing.ResourceType !== planned.def.Type;
  if (!typeChanged && !changed(props, existing.properties)) {
    existing.DeletionPolicy = planned.def.DeletionPolicy;
    existing.UpdateReplacePolicy = planned.def.UpdateReplacePolicy;
    return;
  }
  const provider = providers[planned.def.Type];
  if (typeChanged || requiresReplacement(provider, existing.properties, props)) {
    const nameProp = provider?.nameProperty !== undefined ? provider.nameProperty : provider?.replaceOn.find((k) => k.endsWith('Name'));
    if (!typeChanged && nameProp && props[nameProp] !== undefined && !changed(props[nameProp], existing.properties[nameProp])) {
      resourceEvent(w, stack, existing, 'UPDATE_FAILED', `CloudFormation cannot update a stack when a custom-named resource requires replacing. Rename ${props[nameProp]} and update the stack again.`);
      throw new ResourceFailure('custom-named resource requires replacing');
    }
    log.push({ logicalId: id, action: 'Replace', old: clone(existing) });
    await createResource(w, stack, planned, ctx, 'UPDATE', existing);
    return;
  }
  log.push({ logicalId: id, action: 'Modify', old: clone(existing) });
  const before = existing.properties;
  existing.properties = props;
  resourceEvent(w, stack, existing, 'UPDATE_IN_PROGRESS');
  try {
    checkRequired(provider, props);
    const out = await provider.update!(providerContext(w, stack, id), existing.PhysicalResourceId!, props, before, existing.attributes);
    if (out?.attributes) existing.attributes = { ...existing.attributes, ...out.attributes };
    if (out?.ref !== undefined) existing.ref = out.ref;
    existing.DeletionPolicy = planned.def.DeletionPolicy;
    existing.UpdateReplacePolicy = planned.def.UpdateReplacePolicy;
    existing.Metadata = planned.def.Metadata;
    resourceEvent(w, stack, existing, 'UPDATE_COMPLETE');
  } catch (e) {
    resourceEvent(w, stack, existing, 'UPDATE_FAILED', reasonOf(e));
    throw e;
  }
}

/** Removes what the update made obsolete: resources gone from the template, and replaced physical resources. */
async function cleanupUpdate(w: Where, stack: StackRecord, keep: Set<string>): Promise<void> {
  const obsolete: ResourceRecord[] = [];
  for (const entry of stack.updateLog ?? []) {
    if (entry.action === 'Replace' && entry.old) obsolete.push({ ...entry.old, ResourceStatus: 'UPDATE_COMPLETE' });
  }
  const removed = Object.values(stack.resources).filter((r) => !keep.has(r.LogicalResourceId));
  // Cleanup failures do not fail the update, as in CloudFormation.
  await deleteAll(w, stack, obsolete, (r) => r.UpdateReplacePolicy === 'Retain');
  await deleteAll(w, stack, removed, (r) => r.DeletionPolicy === 'Retain');
  for (const r of removed) delete stack.resources[r.LogicalResourceId];
  stack.previous = undefined;
  stack.updateLog = undefined;
  stack.LastUpdatedTime = nowIso(w);
  setStackStatus(w, stack, 'UPDATE_COMPLETE');
}

/** Puts back what a failed update changed, in reverse order, then deletes the replacements it made. */
async function rollbackUpdate(w: Where, stack: StackRecord): Promise<void> {
  const log = stack.updateLog ?? [];
  const previous = stack.previous ?? stack.current;
  const replacements: ResourceRecord[] = [];
  const failures: string[] = [];
  for (const entry of [...log].reverse()) {
    const rec = stack.resources[entry.logicalId];
    if (!rec) continue;
    try {
      if (entry.action === 'Add') {
        await deleteResource(w, stack, rec, false);
        delete stack.resources[entry.logicalId];
      } else if (entry.action === 'Replace' && entry.old) {
        if (rec.PhysicalResourceId !== entry.old.PhysicalResourceId) replacements.push({ ...clone(rec), dependsOn: [] });
        stack.resources[entry.logicalId] = { ...entry.old };
        resourceEvent(w, stack, stack.resources[entry.logicalId], 'UPDATE_COMPLETE');
      } else if (entry.action === 'Modify' && entry.old) {
        resourceEvent(w, stack, rec, 'UPDATE_IN_PROGRESS');
        const provider = providers[rec.ResourceType];
        await provider.update!(providerContext(w, stack, rec.LogicalResourceId), rec.PhysicalResourceId!, entry.old.properties, rec.properties, rec.attributes);
        stack.resources[entry.logicalId] = { ...entry.old };
        resourceEvent(w, stack, stack.resources[entry.logicalId], 'UPDATE_COMPLETE');
      }
    } catch (e) {
      failures.push(entry.logicalId);
      resourceEvent(w, stack, rec, 'UPDATE_FAILED', reasonOf(e));
    }
  }
  stack.current = previous;
  stack.previous = undefined;
  stack.updateLog = undefined;
  if (failures.length) {
    setStackStatus(w, stack, 'UPDATE_ROLLBACK_FAILED', `The following resource(s) failed to update: ${failedList(failures)}. `);
    return;
  }
  setStackStatus(w, stack, 'UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS');
  await deleteAll(w, stack, replacements, () => false);
  stack.LastUpdatedTime = nowIso(w);
  setStackStatus(w, stack, 'UPDATE_ROLLBACK_COMPLETE');
}

/** Operations running now, by stack id. */
const running = new Map<string, Promise<void>>();

/**
 * Waits, at most `maxMs`, for the operations running on these stacks. DescribeStacks uses it so a
 * caller polling right after a change sees the outcome, not a 30-second waiter sleep (the AWS CLI's
 * `deploy` polls every 30 s): operations here take milliseconds, not minutes.
 */
export async function settled(stackIds: string[], maxMs: number): Promise<void> {
  const ops = stackIds.map((id) => running.get(id)).filter((p): p is Promise<void> => p !== undefined);
  if (!ops.length) return;
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([Promise.all(ops), new Promise<void>((r) => (timer = setTimeout(r, maxMs)))]);
  clearTimeout(timer);
}

/** Runs an operation in the background, as CloudFormation does; the API has already answered. */
export function launch(w: Where, stack: StackRecord, op: (w: Where, stack: StackRecord) => Promise<void>): void {
  let done!: () => void;
  const finished = new Promise<void>((r) => (done = r));
  running.set(stack.StackId, finished);
  setImmediate(() => {
    op(w, stack)
      .catch((e) => {
        // A bug in the engine must still leave the stack in a final state.
        process.emitWarning(`awslings: CloudFormation ${stack.StackName} failed unexpectedly: ${(e as Error)?.stack ?? e}`);
        const status = stack.StackStatus.startsWith('DELETE') ? 'DELETE_FAILED' : stack.StackStatus.startsWith('UPDATE') ? 'UPDATE_ROLLBACK_FAILED' : 'CREATE_FAILED';
        setStackStatus(w, stack, status, `awslings: internal error: ${(e as Error)?.message ?? e}`);
      })
      .finally(() => {
        w.emulator.persistSoon();
        if (running.get(stack.StackId) === finished) running.delete(stack.StackId);
        done();
      });
  });
}

/**
 * After a restart, a stack caught mid-operation is brought to a final state: an interrupted
 * create rolls back, an update rolls back to the previous template, a delete carries on.
 */
export function recover(w: Where, stack: StackRecord): void {
  const interrupted = 'awslings: the sandbox stopped during this operation';
  for (const r of Object.values(stack.resources)) {
    if (r.ResourceStatus.endsWith('_IN_PROGRESS')) resourceEvent(w, stack, r, r.ResourceStatus.replace('_IN_PROGRESS', '_FAILED'), interrupted);
  }
  switch (stack.StackStatus) {
    case 'CREATE_IN_PROGRESS':
      launch(w, stack, (ww, s) => failCreate(ww, s, `${interrupted}. `));
      break;
    case 'ROLLBACK_IN_PROGRESS':
      launch(w, stack, rollbackCreate);
      break;
    case 'DELETE_IN_PROGRESS':
      launch(w, stack, runDelete);
      break;
    case 'UPDATE_IN_PROGRESS':
    case 'UPDATE_ROLLBACK_IN_PROGRESS':
      launch(w, stack, async (ww, s) => {
        if (s.StackStatus === 'UPDATE_IN_PROGRESS') setStackStatus(ww, s, 'UPDATE_ROLLBACK_IN_PROGRESS', `${interrupted}. `);
        await rollbackUpdate(ww, s);
      });
      break;
    case 'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS':
      launch(w, stack, async (ww, s) => {
        const conditions = conditionsOf(ww, s, s.current);
        await cleanupUpdate(ww, s, new Set(planResources(s.current.template, conditions).keys()));
      });
      break;
    case 'UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS':
      launch(w, stack, async (ww, s) => setStackStatus(ww, s, 'UPDATE_ROLLBACK_COMPLETE'));
      break;
    default:
      break;
  }
}
