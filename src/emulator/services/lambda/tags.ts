import type { ListTagsRequest, ListTagsResponse, TagResourceRequest, UntagResourceRequest } from '@aws-sdk/client-lambda';
import { operation, type RequestContext } from '../../core/service.js';
import { functionArn, functionNotFound, invalidParameter, stateOf, validationError } from './common.js';
import { checkTagCount } from './config.js';
import type { FunctionRecord } from './state.js';

const RESOURCE =
  /^arn:(aws[a-zA-Z-]*):lambda:((eusc-)?[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\d{1}):(\d{12}):function:([a-zA-Z0-9-_]+)(:(\$LATEST|[a-zA-Z0-9-_]+))?$/;
const RESOURCE_PATTERN =
  'arn:(aws[a-zA-Z-]*):lambda:(eusc-)?[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\\d{1}:\\d{12}:(function:[a-zA-Z0-9-_]+(:(\\$LATEST|[a-zA-Z0-9-_]+))?|layer:([a-zA-Z0-9-_]+)|code-signing-config:csc-[a-z0-9]{17}|event-source-mapping:[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}|capacity-provider:[a-zA-Z0-9-_]+)';

/** Tags belong to the function itself, named by its unqualified ARN. */
function taggedFunction(ctx: RequestContext, resource: string | undefined): FunctionRecord {
  const m = RESOURCE.exec(resource ?? '');
  if (!m) throw validationError(resource ?? '', 'resource', `Member must satisfy regular expression pattern: ${RESOURCE_PATTERN}`);
  const [, , region, , , , , , accountId, name, qualifier] = m;
  if (qualifier) throw invalidParameter('Tags on function aliases and versions are not supported. Please specify a function ARN.');
  const fn = region === ctx.region ? stateOf(ctx, { accountId, region }).functions[name] : undefined;
  if (!fn) throw functionNotFound(functionArn(region, accountId, name));
  return fn;
}

const tagAuth = (action: string) => (input: { Resource?: string }) => ({ action, resource: input.Resource ?? '*' });

export const TagResource = operation<TagResourceRequest, void>({
  authorize: tagAuth('lambda:TagResource'),
  handler(input, ctx) {
    const fn = taggedFunction(ctx, input.Resource);
    const incoming = input.Tags ?? {};
    if (!Object.keys(incoming).length) throw invalidParameter('An error occurred and the request cannot be processed.');
    const merged = { ...fn.tags, ...incoming };
    checkTagCount(Object.keys(merged).length);
    fn.tags = merged;
  },
});

export const UntagResource = operation<UntagResourceRequest, void>({
  authorize: tagAuth('lambda:UntagResource'),
  handler(input, ctx) {
    const fn = taggedFunction(ctx, input.Resource);
    for (const k of input.TagKeys ?? []) delete fn.tags[k];
  },
});

export const ListTags = operation<ListTagsRequest, ListTagsResponse>({
  authorize: tagAuth('lambda:ListTags'),
  handler(input, ctx) {
    return { Tags: { ...taggedFunction(ctx, input.Resource).tags } };
  },
});
