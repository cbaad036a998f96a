import type { Parameter } from '@aws-sdk/client-cloudformation';
import { AwsError, isAwsError } from '../../../core/errors.js';
import type { Emulator } from '../../../emulator.js';
import type { Template, TemplateResource } from './parse.js';
import { evaluateConditions, referencedResources, templateError } from './intrinsics.js';
import { findCycle } from '../engine/graph.js';

const validation = (message: string) => new AwsError('ValidationError', message, 400);

const RESOURCE_KEYS = new Set(['Type', 'Properties', 'DependsOn', 'Condition', 'DeletionPolicy', 'UpdateReplacePolicy', 'Metadata', 'CreationPolicy', 'UpdatePolicy', 'Version']);
const TYPE_NAME = /^(AWS|Alexa|Custom)::[A-Za-z0-9]+(::[A-Za-z0-9]+)*$|^Custom::[A-Za-z0-9_@-]+$/;

/** The structural checks CloudFormation makes before anything runs, with its messages. */
export function validateStructure(template: Template): void {
  const resources = template.Resources;
  if (!resources || typeof resources !== 'object' || !Object.keys(resources).length) {
    throw validation('Template format error: At least one Resources member must be defined.');
  }
  const unknownTypes: string[] = [];
  for (const [id, r] of Object.entries(resources)) {
    if (!r || typeof r !== 'object' || !r.Type) throw validation(`Template format error: [/Resources/${id}] Every Resources object must contain a Type member.`);
    for (const k of Object.keys(r)) if (!RESOURCE_KEYS.has(k)) throw validation(`Invalid template resource property '${k}'`);
    if (typeof r.Type !== 'string' || !TYPE_NAME.test(r.Type)) unknownTypes.push(String(r.Type));
  }
  if (unknownTypes.length) throw validation(`Template format error: Unrecognized resource types: [${unknownTypes.join(', ')}]`);
  const outputs = template.Outputs ?? {};
  for (const [id, o] of Object.entries(outputs)) {
    if (o === null || typeof o !== 'object') throw validation('Template format error: Every Outputs member must contain a Value object');
    if (!('Value' in o) || o.Value === null) throw validation(`[/Outputs/${id}/Value] 'null' values are not allowed in templates`);
  }
  for (const [id, p] of Object.entries(template.Parameters ?? {})) {
    if (!p || typeof p !== 'object' || !p.Type) throw validation(`Template format error: Every Parameters object must contain a Type member. (${id})`);
  }
}

export const PARAMETER_TYPES = /^(String|Number|List<Number>|CommaDelimitedList|AWS::EC2::[A-Za-z]+::[A-Za-z]+(::Id|::Name)?|List<AWS::EC2::[A-Za-z]+::[A-Za-z]+(::Id|::Name)?>|AWS::SSM::Parameter::Name|AWS::SSM::Parameter::Value<.+>|AWS::Route53::HostedZone::Id|List<AWS::Route53::HostedZone::Id>)$/;

export interface ResolvedParameters {
  parameters: Parameter[];
  values: Record<string, unknown>;
}

/**
 * Parameter values for a deployment: given values, `UsePreviousValue`, or the defaults, checked
 * against each parameter's constraints; SSM parameter types are read from Parameter Store.
 */
export async function resolveParameters(
  emulator: Emulator,
  where: { accountId: string; region: string },
  template: Template,
  given: Parameter[] = [],
  previous: Parameter[] = [],
): Promise<ResolvedParameters> {
  const declared = template.Parameters ?? {};
  const unknown = given.filter((p) => !(p.ParameterKey! in declared)).map((p) => p.ParameterKey);
  if (unknown.length) throw validation(`Parameters: [${unknown.join(', ')}] do not exist in the template`);
  const missing: string[] = [];
  const parameters: Parameter[] = [];
  const values: Record<string, unknown> = {};
  for (const [key, def] of Object.entries(declared)) {
    if (!PARAMETER_TYPES.test(def.Type)) throw validation(`Template format error: Unrecognized parameter type: ${def.Type}`);
    const g = given.find((p) => p.ParameterKey === key);
    let raw: string | undefined;
    if (g?.UsePreviousValue) {
      raw = previous.find((p) => p.ParameterKey === key)?.ParameterValue;
      if (raw === undefined) throw validation(`Invalid input for parameter key ${key}. Cannot specify usePreviousValue as true for a parameter key not in the previous template`);
    } else raw = g?.ParameterValue ?? (def.Default !== undefined ? (Array.isArray(def.Default) ? def.Default.join(',') : String(def.Default)) : undefined);
    if (raw === undefined) {
      missing.push(key);
      continue;
    }
    checkConstraints(key, def, raw);
    let resolved: string | undefined;
    let value: unknown = raw;
    const ssm = /^AWS::SSM::Parameter::Value<(.+)>$/.exec(def.Type);
    if (ssm) {
      resolved = await readSsmParameter(emulator, where, raw);
      value = ssm[1].startsWith('List<') || ssm[1] === 'CommaDelimitedList' ? resolved.split(',') : resolved;
    } else if (def.Type.startsWith('List<') || def.Type === 'CommaDelimitedList') {
      value = raw === '' ? [] : raw.split(',').map((s) => (def.Type === 'CommaDelimitedList' ? s.trim() : s));
    }
    values[key] = value;
    parameters.push({ ParameterKey: key, ParameterValue: raw, ...(resolved !== undefined ? { ResolvedValue: resolved } : {}) });
  }
  if (missing.length) throw validation(`Parameters: [${missing.join(', ')}] must have values`);
  return { parameters, values };
}

function checkConstraints(key: string, def: NonNullable<Template['Parameters']>[string], raw: string): void {
  const fail = (why: string) => validation(def.ConstraintDescription ? `Parameter '${key}' ${why}. ${def.ConstraintDescription}` : `Parameter '${key}' ${why}`);
  const items = def.Type.startsWith('List<') ? raw.split(',') : [raw];
  for (const v of items) {
    if ((def.Type === 'Number' || def.Type === 'List<Number>') && (v.trim() === '' || Number.isNaN(Number(v)))) throw fail('must be a number');
    if (def.AllowedValues && !def.AllowedValues.map(String).includes(v)) throw fail('must be one of AllowedValues');
    if (def.AllowedPattern && !new RegExp(`^(?:${def.AllowedPattern})$`).test(v)) throw fail(`must match pattern ${def.AllowedPattern}`);
    if (def.MinLength !== undefined && v.length < Number(def.MinLength)) throw fail(`must contain at least ${def.MinLength} characters`);
    if (def.MaxLength !== undefined && v.length > Number(def.MaxLength)) throw fail(`must contain at most ${def.MaxLength} characters`);
    if (def.MinValue !== undefined && Number(v) < Number(def.MinValue)) throw fail(`must be a number not less than ${def.MinValue}`);
    if (def.MaxValue !== undefined && Number(v) > Number(def.MaxValue)) throw fail(`must be a number not greater than ${def.MaxValue}`);
  }
}

async function readSsmParameter(emulator: Emulator, where: { accountId: string; region: string }, name: string): Promise<string> {
  try {
    const out = await emulator.call<{ Parameter?: { Value?: string } }>('ssm', 'GetParameter', { Name: name, WithDecryption: true }, where);
    return out.Parameter?.Value ?? '';
  } catch (e) {
    if (isAwsError(e) && e.code === 'ParameterNotFound') throw validation(`Parameters: [${name}] cannot be found.`);
    throw e;
  }
}

export const isNoEcho = (template: Template, key: string) => {
  const v = template.Parameters?.[key]?.NoEcho;
  return v === true || v === 'true';
};

export interface PlannedResource {
  id: string;
  def: TemplateResource;
  deps: string[];
}

/**
 * The resources a deployment creates (their conditions true), each with what it depends on:
 * DependsOn, and every Ref, Fn::GetAtt and Fn::Sub reference to another resource.
 */
export function planResources(template: Template, conditions: Record<string, boolean>): Map<string, PlannedResource> {
  const all = template.Resources ?? {};
  for (const [id, r] of Object.entries(all)) {
    if (r.Condition !== undefined && !(r.Condition in conditions)) {
      throw templateError(`Unresolved dependencies [${r.Condition}]. Cannot reference resources in the Conditions block of the template (${id})`);
    }
  }
  const active = Object.entries(all).filter(([, r]) => r.Condition === undefined || conditions[r.Condition]);
  const ids = new Set(active.map(([id]) => id));
  const allIds = new Set(Object.keys(all));
  const plan = new Map<string, PlannedResource>();
  for (const [id, def] of active) {
    const explicit = def.DependsOn === undefined ? [] : Array.isArray(def.DependsOn) ? def.DependsOn : [def.DependsOn];
    for (const d of explicit) {
      if (!allIds.has(d)) throw validation(`Template format error: Unresolved resource dependencies [${d}] in the Resources block of the template`);
    }
    const refs = referencedResources(def.Properties ?? {}, allIds, conditions);
    for (const r of refs) {
      if (!ids.has(r)) throw validation(`Template format error: Unresolved resource dependencies [${r}] in the Resources block of the template`);
    }
    plan.set(id, { id, def, deps: [...new Set([...explicit.filter((d) => ids.has(d)), ...refs])] });
  }
  const cycle = findCycle([...plan.keys()], (id) => plan.get(id)!.deps);
  if (cycle) throw validation(`Circular dependency between resources: [${cycle.join(', ')}]`);
  return plan;
}

export { evaluateConditions };
