import type { Tag } from '@aws-sdk/client-iam';
import { operation, type Operation, type RequestContext } from '../../core/service.js';
import { iamState } from './state.js';
import { mergeTags, paginate, removeTags, touch } from './common.js';

/**
 * Tag<Entity>, Untag<Entity> and List<Entity>Tags, which IAM offers alike for roles, users and
 * customer managed policies: the entity is found by the request's name (or ARN) field.
 */
export function tagOperations<TagIn extends { Tags?: Tag[] }, UntagIn extends { TagKeys?: string[] }, ListIn extends { Marker?: string; MaxItems?: number }, ListOut>(
  entity: 'Role' | 'User' | 'Policy',
  find: (input: TagIn | UntagIn | ListIn, ctx: RequestContext) => { Tags: Tag[] },
  arn: (input: TagIn | UntagIn | ListIn, ctx: RequestContext) => string,
): { tag: Operation<TagIn, object>; untag: Operation<UntagIn, object>; list: Operation<ListIn, ListOut> } {
  return {
    tag: operation<TagIn, object>({
      authorize: (i, ctx) => ({ action: `iam:Tag${entity}`, resource: arn(i, ctx) }),
      handler(input, ctx) {
        const found = find(input, ctx);
        found.Tags = mergeTags(found.Tags, input.Tags);
        touch(iamState(ctx));
        return {};
      },
    }),
    untag: operation<UntagIn, object>({
      authorize: (i, ctx) => ({ action: `iam:Untag${entity}`, resource: arn(i, ctx) }),
      handler(input, ctx) {
        const found = find(input, ctx);
        found.Tags = removeTags(found.Tags, input.TagKeys);
        touch(iamState(ctx));
        return {};
      },
    }),
    list: operation<ListIn, ListOut>({
      authorize: (i, ctx) => ({ action: `iam:List${entity}Tags`, resource: arn(i, ctx) }),
      handler(input, ctx) {
        const { page, IsTruncated, Marker } = paginate(find(input, ctx).Tags, input.Marker, input.MaxItems);
        return { Tags: page, IsTruncated, Marker } as ListOut;
      },
    }),
  };
}
