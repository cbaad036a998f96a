/**
 * AWS's commercial regions and their availability zones. Zone names map to zone ids per account in
 * AWS; awslings uses one fixed mapping (us-east-1a is use1-az6, us-east-1b is use1-az1, as in the
 * recorded snapshots) so that lessons and checks can name them.
 */
export interface RegionInfo {
  name: string;
  longName: string;
  /** Regions launched after March 2019 must be enabled by the account first. */
  optIn: boolean;
  /** Zone-id prefix (`use1`). */
  idPrefix: string;
  /** Zone letter → zone-id number. */
  zones: [string, number][];
}

const abc: [string, number][] = [
  ['a', 1],
  ['b', 2],
  ['c', 3],
];

export const REGIONS: RegionInfo[] = [
  { name: 'us-east-1', longName: 'US East (N. Virginia)', optIn: false, idPrefix: 'use1', zones: [['a', 6], ['b', 1], ['c', 2], ['d', 4], ['e', 3], ['f', 5]] },
  { name: 'us-east-2', longName: 'US East (Ohio)', optIn: false, idPrefix: 'use2', zones: abc },
  { name: 'us-west-1', longName: 'US West (N. California)', optIn: false, idPrefix: 'usw1', zones: [['a', 1], ['c', 3]] },
  { name: 'us-west-2', longName: 'US West (Oregon)', optIn: false, idPrefix: 'usw2', zones: [['a', 2], ['b', 1], ['c', 3], ['d', 4]] },
  { name: 'af-south-1', longName: 'Africa (Cape Town)', optIn: true, idPrefix: 'afs1', zones: abc },
  { name: 'ap-east-1', longName: 'Asia Pacific (Hong Kong)', optIn: true, idPrefix: 'ape1', zones: abc },
  { name: 'ap-east-2', longName: 'Asia Pacific (Taipei)', optIn: true, idPrefix: 'ape2', zones: abc },
  { name: 'ap-south-1', longName: 'Asia Pacific (Mumbai)', optIn: false, idPrefix: 'aps1', zones: [['a', 1], ['b', 3], ['c', 2]] },
  { name: 'ap-south-2', longName: 'Asia Pacific (Hyderabad)', optIn: true, idPrefix: 'aps2', zones: abc },
  { name: 'ap-southeast-1', longName: 'Asia Pacific (Singapore)', optIn: false, idPrefix: 'apse1', zones: abc },
  { name: 'ap-southeast-2', longName: 'Asia Pacific (Sydney)', optIn: false, idPrefix: 'apse2', zones: abc },
  { name: 'ap-southeast-3', longName: 'Asia Pacific (Jakarta)', optIn: true, idPrefix: 'apse3', zones: abc },
  { name: 'ap-southeast-4', longName: 'Asia Pacific (Melbourne)', optIn: true, idPrefix: 'apse4', zones: abc },
  { name: 'ap-southeast-5', longName: 'Asia Pacific (Malaysia)', optIn: true, idPrefix: 'apse5', zones: abc },
  { name: 'ap-southeast-7', longName: 'Asia Pacific (Thailand)', optIn: true, idPrefix: 'apse7', zones: abc },
  { name: 'ap-northeast-1', longName: 'Asia Pacific (Tokyo)', optIn: false, idPrefix: 'apne1', zones: [['a', 4], ['c', 1], ['d', 2]] },
  { name: 'ap-northeast-2', longName: 'Asia Pacific (Seoul)', optIn: false, idPrefix: 'apne2', zones: [['a', 1], ['b', 2], ['c', 3], ['d', 4]] },
  { name: 'ap-northeast-3', longName: 'Asia Pacific (Osaka)', optIn: false, idPrefix: 'apne3', zones: abc },
  { name: 'ca-central-1', longName: 'Canada (Central)', optIn: false, idPrefix: 'cac1', zones: [['a', 1], ['b', 2], ['d', 4]] },
  { name: 'ca-west-1', longName: 'Canada West (Calgary)', optIn: true, idPrefix: 'caw1', zones: abc },
  { name: 'eu-central-1', longName: 'Europe (Frankfurt)', optIn: false, idPrefix: 'euc1', zones: abc },
  { name: 'eu-central-2', longName: 'Europe (Zurich)', optIn: true, idPrefix: 'euc2', zones: abc },
  { name: 'eu-west-1', longName: 'Europe (Ireland)', optIn: false, idPrefix: 'euw1', zones: abc },
  { name: 'eu-west-2', longName: 'Europe (London)', optIn: false, idPrefix: 'euw2', zones: abc },
  { name: 'eu-west-3', longName: 'Europe (Paris)', optIn: false, idPrefix: 'euw3', zones: abc },
  { name: 'eu-south-1', longName: 'Europe (Milan)', optIn: true, idPrefix: 'eus1', zones: abc },
  { name: 'eu-south-2', longName: 'Europe (Spain)', optIn: true, idPrefix: 'eus2', zones: abc },
  { name: 'eu-north-1', longName: 'Europe (Stockholm)', optIn: false, idPrefix: 'eun1', zones: abc },
  { name: 'il-central-1', longName: 'Israel (Tel Aviv)', optIn: true, idPrefix: 'ilc1', zones: abc },
  { name: 'me-south-1', longName: 'Middle East (Bahrain)', optIn: true, idPrefix: 'mes1', zones: abc },
  { name: 'me-central-1', longName: 'Middle East (UAE)', optIn: true, idPrefix: 'mec1', zones: abc },
  { name: 'mx-central-1', longName: 'Mexico (Central)', optIn: true, idPrefix: 'mxc1', zones: abc },
  { name: 'sa-east-1', longName: 'South America (Sao Paulo)', optIn: false, idPrefix: 'sae1', zones: abc },
];

export interface ZoneInfo {
  ZoneName: string;
  ZoneId: string;
  RegionName: string;
  GroupName: string;
  GroupLongName: string;
}

/** A region awslings does not list (a custom endpoint's "local" region) still gets three zones. */
export function regionInfo(region: string): RegionInfo {
  return (
    REGIONS.find((r) => r.name === region) ?? {
      name: region,
      longName: region,
      optIn: false,
      idPrefix: region.replace(/[^a-z0-9]/g, '').slice(0, 6),
      zones: abc,
    }
  );
}

export function zonesOf(region: string): ZoneInfo[] {
  const r = regionInfo(region);
  return r.zones.map(([letter, n]) => ({
    ZoneName: `${region}${letter}`,
    ZoneId: `${r.idPrefix}-az${n}`,
    RegionName: region,
    GroupName: `${region}-zg-1`,
    GroupLongName: `${r.longName} 1`,
  }));
}

/** Names the EC2 service uses for hosts in a region: `ec2.internal` and `compute-1` are us-east-1's own. */
export const privateDnsSuffix = (region: string): string => (region === 'us-east-1' ? 'ec2.internal' : `${region}.compute.internal`);
export const publicDnsSuffix = (region: string): string => (region === 'us-east-1' ? 'compute-1.amazonaws.com' : `${region}.compute.amazonaws.com`);

/** First octets of Amazon-owned public address space used for auto-assigned and Elastic IPs, per region. */
const PUBLIC_POOLS: Record<string, [number, number][]> = {
  'us-east-1': [[3, 80], [3, 81], [3, 82], [44, 192], [44, 193], [54, 80], [54, 81], [52, 90], [18, 204], [34, 200]],
  'us-east-2': [[3, 12], [3, 13], [18, 116], [18, 117], [52, 14], [3, 140]],
  'us-west-1': [[13, 56], [13, 57], [54, 183], [54, 241], [52, 53]],
  'us-west-2': [[35, 80], [35, 81], [44, 224], [44, 225], [52, 12], [54, 184], [34, 208]],
  'eu-west-1': [[34, 240], [34, 241], [52, 48], [54, 72], [54, 170], [18, 200]],
  'eu-central-1': [[3, 120], [3, 121], [18, 184], [18, 185], [52, 28], [35, 156]],
};

export function publicPool(region: string): [number, number][] {
  return PUBLIC_POOLS[region] ?? [[3, 0], [3, 1], [13, 200], [52, 0], [54, 0]];
}
