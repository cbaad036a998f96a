import type { CreateTagsRequest, DeleteTagsRequest, DescribeTagsRequest, DescribeTagsResult, TagDescription } from '@aws-sdk/client-ec2';
import { AwsError } from '../../core/errors.js';
import { operation } from '../../core/service.js';
import { notFound, paginate, setTags } from './common.js';
import { applyFilters } from './filters.js';
import { ec2State, type Ec2State } from './state.js';

/** Resource types by id prefix, as DescribeTags names them, and where each kind lives in the state. */
const KINDS: Record<string, { type: string; exists: (s: Ec2State, id: string) => boolean }> = {
  vpc: { type: 'vpc', exists: (s, id) => !!s.vpcs[id] },
  subnet: { type: 'subnet', exists: (s, id) => !!s.subnets[id] },
  igw: { type: 'internet-gateway', exists: (s, id) => !!s.internetGateways[id] },
  rtb: { type: 'route-table', exists: (s, id) => !!s.routeTables[id] },
  acl: { type: 'network-acl', exists: (s, id) => !!s.networkAcls[id] },
  sg: { type: 'security-group', exists: (s, id) => !!s.securityGroups[id] },
  sgr: { type: 'security-group-rule', exists: (s, id) => Object.values(s.securityGroups).some((g) => g.rules.some((r) => r.SecurityGroupRuleId === id)) },
  i: { type: 'instance', exists: (s, id) => !!s.instances[id] },
  eni: { type: 'network-interface', exists: (s, id) => !!s.networkInterfaces[id] },
  eipalloc: { type: 'elastic-ip', exists: (s, id) => !!s.addresses[id] },
  nat: { type: 'natgateway', exists: (s, id) => !!s.natGateways[id] },
  dopt: { type: 'dhcp-options', exists: (s, id) => !!s.dhcpOptions[id] },
  key: { type: 'key-pair', exists: (s, id) => Object.values(s.keyPairs).some((k) => k.KeyPairId === id) },
  vol: { type: 'volume', exists: (s, id) => Object.values(s.instances).some((i) => i.rootVolumeId === id) },
  nip: { type: 'network-insights-path', exists: (s, id) => !!s.insightsPaths[id] },
  nia: { type: 'network-insights-analysis', exists: (s, id) => !!s.insightsAnalyses[id] },
};

const prefixOf = (id: string) => id.slice(0, id.lastIndexOf('-'));

export const resourceTypeOf = (id: string): string | undefined => KINDS[prefixOf(id)]?.type;

function checkResource(state: Ec2State, id: string): void {
  const kind = KINDS[prefixOf(id)];
  if (!kind || !/^[a-z]+-[0-9a-f]{8,17}$/.test(id)) throw new AwsError('InvalidID', `The ID '${id}' is not valid`, 400);
  if (!kind.exists(state, id)) throw notFound(prefixOf(id), id);
}

export const CreateTags = operation<CreateTagsRequest, object>({
  handler(input, ctx) {
    const state = ec2State(ctx);
    for (const id of input.Resources ?? []) checkResource(state, id);
    for (const id of input.Resources ?? []) setTags(state, id, input.Tags);
    return {};
  },
});

export const DeleteTags = operation<DeleteTagsRequest, object>({
  handler(input, ctx) {
    const state = ec2State(ctx);
    for (const id of input.Resources ?? []) checkResource(state, id);
    for (const id of input.Resources ?? []) {
      const list = state.tags[id];
      if (!list) continue;
      // No tags named: all go. A value given (even empty): only a tag with that value goes.
      const keep = input.Tags?.length
        ? list.filter((t) => !input.Tags!.some((d) => d.Key === t.Key && (d.Value === undefined || d.Value === t.Value)))
        : [];
      if (keep.length) state.tags[id] = keep;
      else delete state.tags[id];
    }
    return {};
  },
});

export const DescribeTags = operation<DescribeTagsRequest, DescribeTagsResult>({
  handler(input, ctx) {
    const state = ec2State(ctx);
    const all: TagDescription[] = [];
    for (const id of Object.keys(state.tags).sort()) {
      for (const t of state.tags[id]) all.push({ ResourceId: id, ResourceType: resourceTypeOf(id) as TagDescription['ResourceType'], Key: t.Key, Value: t.Value });
    }
    const found = applyFilters(all, input.Filters, {
      key: (t) => t.Key,
      value: (t) => t.Value,
      'resource-id': (t) => t.ResourceId,
      'resource-type': (t) => t.ResourceType,
    }, (t) => state.tags[t.ResourceId!]);
    const { page, NextToken } = paginate(found, input);
    return { Tags: page, NextToken };
  },
});
