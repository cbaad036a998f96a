import type {
  AvailabilityZone,
  DescribeAccountAttributesRequest,
  DescribeAccountAttributesResult,
  DescribeAvailabilityZonesRequest,
  DescribeAvailabilityZonesResult,
  DescribeRegionsRequest,
  DescribeRegionsResult,
} from '@aws-sdk/client-ec2';
import { operation } from '../../core/service.js';
import { invalidParameterValue } from './common.js';
import { applyFilters } from './filters.js';
import { REGIONS, zonesOf, type ZoneInfo } from './data/regions.js';
import { ec2State } from './state.js';
import { defaultVpcOf } from './securityGroups.js';

const optInStatus = (optIn: boolean) => (optIn ? 'not-opted-in' : 'opt-in-not-required');

export const DescribeRegions = operation<DescribeRegionsRequest, DescribeRegionsResult>({
  handler(input) {
    let regions = input.AllRegions ? REGIONS : REGIONS.filter((r) => !r.optIn);
    if (input.RegionNames?.length) {
      const unknown = input.RegionNames.filter((n) => !REGIONS.some((r) => r.name === n));
      if (unknown.length) throw invalidParameterValue(`Invalid region names: [${unknown.join(', ')}]`);
      regions = REGIONS.filter((r) => input.RegionNames!.includes(r.name));
    }
    const found = applyFilters(regions, input.Filters, {
      endpoint: (r) => `ec2.${r.name}.amazonaws.com`,
      'opt-in-status': (r) => optInStatus(r.optIn),
      'region-name': (r) => r.name,
    });
    return {
      Regions: found.map((r) => ({ OptInStatus: optInStatus(r.optIn), RegionName: r.name, Endpoint: `ec2.${r.name}.amazonaws.com` })),
    };
  },
});

function toZone(z: ZoneInfo): AvailabilityZone {
  return {
    OptInStatus: 'opt-in-not-required',
    Messages: [],
    RegionName: z.RegionName,
    ZoneName: z.ZoneName,
    ZoneId: z.ZoneId,
    GroupName: z.GroupName,
    NetworkBorderGroup: z.RegionName,
    ZoneType: 'availability-zone',
    GroupLongName: z.GroupLongName,
    State: 'available',
  };
}

export const DescribeAvailabilityZones = operation<DescribeAvailabilityZonesRequest, DescribeAvailabilityZonesResult>({
  handler(input, ctx) {
    let zones = zonesOf(ctx.region);
    if (input.ZoneNames?.length || input.ZoneIds?.length) {
      for (const n of input.ZoneNames ?? []) if (!zones.some((z) => z.ZoneName === n)) throw invalidParameterValue(`The zone '${n}' does not exist.`);
      for (const n of input.ZoneIds ?? []) if (!zones.some((z) => z.ZoneId === n)) throw invalidParameterValue(`The zone id '${n}' does not exist.`);
      zones = zones.filter((z) => input.ZoneNames?.includes(z.ZoneName) || input.ZoneIds?.includes(z.ZoneId));
    }
    const found = applyFilters(zones, input.Filters, {
      'group-name': (z) => z.GroupName,
      'group-long-name': (z) => z.GroupLongName,
      message: () => undefined,
      'opt-in-status': () => 'opt-in-not-required',
      'region-name': (z) => z.RegionName,
      state: () => 'available',
      'zone-id': (z) => z.ZoneId,
      'zone-name': (z) => z.ZoneName,
      'zone-type': () => 'availability-zone',
      'network-border-group': (z) => z.RegionName,
    });
    return { AvailabilityZones: found.map(toZone) };
  },
});

export const DescribeAccountAttributes = operation<DescribeAccountAttributesRequest, DescribeAccountAttributesResult>({
  handler(input, ctx) {
    const state = ec2State(ctx);
    const all: Record<string, string[]> = {
      'supported-platforms': ['VPC'],
      'default-vpc': [defaultVpcOf(state)?.VpcId ?? 'none'],
      'max-instances': ['20'],
      'vpc-max-security-groups-per-interface': ['5'],
      'max-elastic-ips': ['5'],
      'vpc-max-elastic-ips': ['5'],
    };
    const names = input.AttributeNames?.length ? input.AttributeNames : Object.keys(all);
    return {
      AccountAttributes: names.map((n) => {
        if (!all[n]) throw invalidParameterValue(`Value (${n}) for parameter attributeName is invalid.`);
        return { AttributeName: n, AttributeValues: all[n].map((AttributeValue) => ({ AttributeValue })) };
      }),
    };
  },
});
