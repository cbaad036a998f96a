import { parseDocument, type Tags, type ScalarTag, type CollectionTag } from 'yaml';
import { AwsError } from '../../../core/errors.js';

export type Template = {
  AWSTemplateFormatVersion?: string;
  Description?: string;
  Metadata?: Record<string, unknown>;
  Parameters?: Record<string, TemplateParameter>;
  Mappings?: Record<string, Record<string, Record<string, unknown>>>;
  Conditions?: Record<string, unknown>;
  Transform?: string | string[];
  Resources?: Record<string, TemplateResource>;
  Outputs?: Record<string, TemplateOutput>;
  Rules?: unknown;
  Globals?: Record<string, Record<string, unknown>>;
};

export interface TemplateParameter {
  Type: string;
  Default?: unknown;
  AllowedValues?: unknown[];
  AllowedPattern?: string;
  MinLength?: number;
  MaxLength?: number;
  MinValue?: number;
  MaxValue?: number;
  NoEcho?: boolean | string;
  Description?: string;
  ConstraintDescription?: string;
}

export interface TemplateResource {
  Type: string;
  Properties?: Record<string, unknown>;
  DependsOn?: string | string[];
  Condition?: string;
  DeletionPolicy?: string;
  UpdateReplacePolicy?: string;
  Metadata?: unknown;
  CreationPolicy?: unknown;
  UpdatePolicy?: unknown;
}

export interface TemplateOutput {
  Value: unknown;
  Description?: string;
  Condition?: string;
  Export?: { Name: unknown };
}

const FN_WITH_SEQ = ['Join', 'Select', 'Split', 'If', 'Equals', 'And', 'Or', 'Not', 'FindInMap', 'Cidr', 'GetAZs', 'Base64', 'ImportValue', 'Sub', 'Transform', 'GetAtt', 'ToJsonString', 'Length'];

/** CloudFormation's short-form YAML tags (`!Ref x`, `!GetAtt a.b`, `!Sub`, `!Join [...]`...), as plain intrinsic objects. */
function cfnTags(): Tags {
  const tags: (ScalarTag | CollectionTag)[] = [];
  const scalar = (tag: string, make: (v: string) => unknown) => tags.push({ tag, resolve: (v: string) => make(v) } as ScalarTag);
  scalar('!Ref', (v) => ({ Ref: v }));
  scalar('!Condition', (v) => ({ Condition: v }));
  scalar('!GetAtt', (v) => {
    const dot = v.indexOf('.');
    return { 'Fn::GetAtt': dot < 0 ? [v] : [v.slice(0, dot), v.slice(dot + 1)] };
  });
  for (const fn of FN_WITH_SEQ) {
    if (fn !== 'GetAtt') scalar(`!${fn}`, (v) => ({ [`Fn::${fn}`]: v }));
    for (const collection of ['seq', 'map'] as const) {
      tags.push({
        tag: `!${fn}`,
        collection,
        resolve: (node: { toJSON(): unknown }) => ({ [`Fn::${fn}`]: node.toJSON() }),
      } as unknown as CollectionTag);
    }
  }
  return tags;
}

const CUSTOM_TAGS = cfnTags();

/** Parses a template given as JSON or YAML (with short-form tags). */
export function parseTemplate(body: string): Template {
  const text = body.trim();
  let parsed: unknown;
  if (text.startsWith('{')) {
    try {
      parsed = JSON.parse(text);
    } catch (e) {
      throw new AwsError('ValidationError', `Template format error: JSON not well-formed. (${(e as Error).message})`, 400);
    }
  } else {
    const doc = parseDocument(text, { customTags: CUSTOM_TAGS, uniqueKeys: false, merge: false, version: '1.2' });
    if (doc.errors.length) {
      const e = doc.errors[0];
      throw new AwsError('ValidationError', `Template format error: YAML not well-formed. (line ${e.linePos?.[0].line ?? '?'}, column ${e.linePos?.[0].col ?? '?'})`, 400);
    }
    parsed = doc.toJS({ maxAliasCount: 1000 });
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new AwsError('ValidationError', 'Template format error: unsupported structure.', 400);
  }
  return parsed as Template;
}

/** The template line where a resource is declared, to name it in errors (best effort, JSON or YAML). */
export function lineOf(body: string, logicalId: string): number | undefined {
  const escaped = logicalId.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const re = new RegExp(`^\\s*["']?${escaped}["']?\\s*:`, 'm');
  const m = re.exec(body);
  if (!m) return undefined;
  return body.slice(0, m.index + m[0].search(/\S/)).split('\n').length;
}
