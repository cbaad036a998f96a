import type {
  AssociateDhcpOptionsRequest,
  CreateDhcpOptionsRequest,
  CreateDhcpOptionsResult,
  DeleteDhcpOptionsRequest,
  DescribeDhcpOptionsRequest,
  DescribeDhcpOptionsResult,
  DhcpOptions,
} from '@aws-sdk/client-ec2';
import { operation } from '../../core/service.js';
import { applyTagSpecifications, byIds, dependencyViolation, ec2Id, invalidParameterValue, need, paginate, tagList, tagsOf } from './common.js';
import { applyFilters } from './filters.js';
import { privateDnsSuffix } from './data/regions.js';
import { ec2State, type DhcpOptionsRec, type Ec2Context, type Ec2State } from './state.js';

/** The option set every region starts with: Amazon's DNS and the region's internal domain. */
export function defaultDhcpOptions(state: Ec2State, ctx: Ec2Context): DhcpOptionsRec {
  const domain = privateDnsSuffix(ctx.region);
  const found = Object.values(state.dhcpOptions).find(
    (d) => d.configurations.length === 2 && d.configurations.some((c) => c.Key === 'domain-name' && c.Values[0] === domain),
  );
  if (found) return found;
  const rec: DhcpOptionsRec = {
    DhcpOptionsId: ec2Id('dopt'),
    configurations: [
      { Key: 'domain-name', Values: [domain] },
      { Key: 'domain-name-servers', Values: ['AmazonProvidedDNS'] },
    ],
  };
  state.dhcpOptions[rec.DhcpOptionsId] = rec;
  return rec;
}

function toDhcpOptions(state: Ec2State, ctx: Ec2Context, d: DhcpOptionsRec): DhcpOptions {
  return {
    OwnerId: ctx.accountId,
    Tags: tagList(state, d.DhcpOptionsId, true),
    DhcpOptionsId: d.DhcpOptionsId,
    DhcpConfigurations: d.configurations.map((c) => ({ Key: c.Key, Values: c.Values.map((Value) => ({ Value })) })),
  };
}

const KEYS = ['domain-name', 'domain-name-servers', 'ntp-servers', 'netbios-name-servers', 'netbios-node-type', 'ipv6-address-preferred-lease-time'];

export const CreateDhcpOptions = operation<CreateDhcpOptionsRequest, CreateDhcpOptionsResult>({
  handler(input, ctx) {
    const state = ec2State(ctx);
    const configurations = (input.DhcpConfigurations ?? []).map((c) => {
      if (!KEYS.includes(c.Key ?? '')) throw invalidParameterValue(`Value (${c.Key}) for parameter name is invalid. Unrecognized DHCP option name`);
      return { Key: c.Key!, Values: c.Values ?? [] };
    });
    const rec: DhcpOptionsRec = { DhcpOptionsId: ec2Id('dopt'), configurations };
    state.dhcpOptions[rec.DhcpOptionsId] = rec;
    applyTagSpecifications(state, rec.DhcpOptionsId, 'dhcp-options', input.TagSpecifications);
    return { DhcpOptions: toDhcpOptions(state, ctx, rec) };
  },
});

export const DescribeDhcpOptions = operation<DescribeDhcpOptionsRequest, DescribeDhcpOptionsResult>({
  handler(input, ctx) {
    const state = ec2State(ctx);
    const items = applyFilters(
      byIds(state.dhcpOptions, input.DhcpOptionsIds, 'dopt'),
      input.Filters,
      {
        'dhcp-options-id': (d) => d.DhcpOptionsId,
        key: (d) => d.configurations.map((c) => c.Key),
        value: (d) => d.configurations.flatMap((c) => c.Values),
        'owner-id': () => ctx.accountId,
      },
      (d) => tagsOf(state, d.DhcpOptionsId),
    );
    const { page, NextToken } = paginate(items, input, { ids: input.DhcpOptionsIds, idsParam: 'dhcpOptionsIds' });
    return { DhcpOptions: page.map((d) => toDhcpOptions(state, ctx, d)), NextToken };
  },
});

export const AssociateDhcpOptions = operation<AssociateDhcpOptionsRequest, object>({
  handler(input, ctx) {
    const state = ec2State(ctx);
    const vpc = need(state.vpcs, input.VpcId, 'vpc');
    if (input.DhcpOptionsId !== 'default') need(state.dhcpOptions, input.DhcpOptionsId, 'dopt');
    vpc.DhcpOptionsId = input.DhcpOptionsId === 'default' ? defaultDhcpOptions(state, ctx).DhcpOptionsId : input.DhcpOptionsId!;
    return {};
  },
});

export const DeleteDhcpOptions = operation<DeleteDhcpOptionsRequest, object>({
  handler(input, ctx) {
    const state = ec2State(ctx);
    const d = need(state.dhcpOptions, input.DhcpOptionsId, 'dopt');
    if (Object.values(state.vpcs).some((v) => v.DhcpOptionsId === d.DhcpOptionsId)) {
      throw dependencyViolation(`The dhcpOptions '${d.DhcpOptionsId}' has dependencies and cannot be deleted.`);
    }
    delete state.dhcpOptions[d.DhcpOptionsId];
    delete state.tags[d.DhcpOptionsId];
    return {};
  },
});
