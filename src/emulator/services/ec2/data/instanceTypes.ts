import type { InstanceTypeInfo } from '@aws-sdk/client-ec2';

/**
 * Instance types of the common families, with AWS's published figures: vCPUs, memory, processor,
 * network performance and the network-interface limits (from the EC2 User Guide's hardware and
 * "IP addresses per network interface" tables). Each family lists its sizes; a size's vCPUs and
 * memory follow from the family's ratio unless the family gives them.
 */
interface Family {
  name: string;
  arch: ('x86_64' | 'arm64' | 'i386')[];
  manufacturer: 'Intel' | 'AMD' | 'AWS';
  ghz: number;
  hypervisor: 'xen' | 'nitro';
  burstable?: boolean;
  /** GiB of memory per vCPU, for families whose sizes scale evenly. */
  gibPerVcpu?: number;
  /** Hyper-threads per core (Graviton has one). */
  threads: 1 | 2;
  currentGeneration?: boolean;
  /** Size → [vCPUs, memory GiB, network performance]. */
  sizes: [string, number, number | undefined, string][];
}

const UP_TO_5 = 'Up to 5 Gigabit';
const t3Sizes = (net = UP_TO_5): Family['sizes'] => [
  ['nano', 2, 0.5, net],
  ['micro', 2, 1, net],
  ['small', 2, 2, net],
  ['medium', 2, 4, net],
  ['large', 2, 8, net],
  ['xlarge', 4, 16, net],
  ['2xlarge', 8, 32, net],
];

/** Sizes of the 6th/7th generation x86 families (m6i, c6i, r6i, m7i, c7i): network by size. */
const gen6x86 = (max: '32xlarge' | '48xlarge'): Family['sizes'] => [
  ['large', 2, undefined, 'Up to 12.5 Gigabit'],
  ['xlarge', 4, undefined, 'Up to 12.5 Gigabit'],
  ['2xlarge', 8, undefined, 'Up to 12.5 Gigabit'],
  ['4xlarge', 16, undefined, 'Up to 12.5 Gigabit'],
  ['8xlarge', 32, undefined, '12.5 Gigabit'],
  ['12xlarge', 48, undefined, '18.75 Gigabit'],
  ['16xlarge', 64, undefined, '25 Gigabit'],
  ['24xlarge', 96, undefined, '37.5 Gigabit'],
  ...(max === '32xlarge' ? [['32xlarge', 128, undefined, '50 Gigabit'] as [string, number, undefined, string]] : [['48xlarge', 192, undefined, '50 Gigabit'] as [string, number, undefined, string]]),
];

/** Graviton3 families (c7g, m7g, r7g). */
const graviton3: Family['sizes'] = [
  ['medium', 1, undefined, 'Up to 12.5 Gigabit'],
  ['large', 2, undefined, 'Up to 12.5 Gigabit'],
  ['xlarge', 4, undefined, 'Up to 12.5 Gigabit'],
  ['2xlarge', 8, undefined, 'Up to 15 Gigabit'],
  ['4xlarge', 16, undefined, 'Up to 15 Gigabit'],
  ['8xlarge', 32, undefined, '15 Gigabit'],
  ['12xlarge', 48, undefined, '22.5 Gigabit'],
  ['16xlarge', 64, undefined, '30 Gigabit'],
];

/** 5th generation Intel families (m5, r5). */
const gen5: Family['sizes'] = [
  ['large', 2, undefined, 'Up to 10 Gigabit'],
  ['xlarge', 4, undefined, 'Up to 10 Gigabit'],
  ['2xlarge', 8, undefined, 'Up to 10 Gigabit'],
  ['4xlarge', 16, undefined, 'Up to 10 Gigabit'],
  ['8xlarge', 32, undefined, '10 Gigabit'],
  ['12xlarge', 48, undefined, '12 Gigabit'],
  ['16xlarge', 64, undefined, '20 Gigabit'],
  ['24xlarge', 96, undefined, '25 Gigabit'],
];

const FAMILIES: Family[] = [
  {
    name: 't2',
    arch: ['x86_64'],
    manufacturer: 'Intel',
    ghz: 2.5,
    hypervisor: 'xen',
    burstable: true,
    threads: 1,
    sizes: [
      ['nano', 1, 0.5, 'Low to Moderate'],
      ['micro', 1, 1, 'Low to Moderate'],
      ['small', 1, 2, 'Low to Moderate'],
      ['medium', 2, 4, 'Low to Moderate'],
      ['large', 2, 8, 'Low to Moderate'],
      ['xlarge', 4, 16, 'Moderate'],
      ['2xlarge', 8, 32, 'Moderate'],
    ],
  },
  { name: 't3', arch: ['x86_64'], manufacturer: 'Intel', ghz: 2.5, hypervisor: 'nitro', burstable: true, threads: 2, sizes: t3Sizes() },
  { name: 't3a', arch: ['x86_64'], manufacturer: 'AMD', ghz: 2.2, hypervisor: 'nitro', burstable: true, threads: 2, sizes: t3Sizes() },
  { name: 't4g', arch: ['arm64'], manufacturer: 'AWS', ghz: 2.5, hypervisor: 'nitro', burstable: true, threads: 1, sizes: t3Sizes() },
  { name: 'm5', arch: ['x86_64'], manufacturer: 'Intel', ghz: 3.1, hypervisor: 'nitro', gibPerVcpu: 4, threads: 2, sizes: gen5 },
  {
    name: 'm6g',
    arch: ['arm64'],
    manufacturer: 'AWS',
    ghz: 2.5,
    hypervisor: 'nitro',
    gibPerVcpu: 4,
    threads: 1,
    sizes: [
      ['medium', 1, undefined, 'Up to 10 Gigabit'],
      ['large', 2, undefined, 'Up to 10 Gigabit'],
      ['xlarge', 4, undefined, 'Up to 10 Gigabit'],
      ['2xlarge', 8, undefined, 'Up to 10 Gigabit'],
      ['4xlarge', 16, undefined, 'Up to 10 Gigabit'],
      ['8xlarge', 32, undefined, '12 Gigabit'],
      ['12xlarge', 48, undefined, '20 Gigabit'],
      ['16xlarge', 64, undefined, '25 Gigabit'],
    ],
  },
  { name: 'm6i', arch: ['x86_64'], manufacturer: 'Intel', ghz: 3.5, hypervisor: 'nitro', gibPerVcpu: 4, threads: 2, sizes: gen6x86('32xlarge') },
  { name: 'm7i', arch: ['x86_64'], manufacturer: 'Intel', ghz: 3.2, hypervisor: 'nitro', gibPerVcpu: 4, threads: 2, sizes: gen6x86('48xlarge') },
  { name: 'm7g', arch: ['arm64'], manufacturer: 'AWS', ghz: 2.6, hypervisor: 'nitro', gibPerVcpu: 4, threads: 1, sizes: graviton3 },
  {
    name: 'c5',
    arch: ['x86_64'],
    manufacturer: 'Intel',
    ghz: 3.4,
    hypervisor: 'nitro',
    gibPerVcpu: 2,
    threads: 2,
    sizes: [
      ['large', 2, undefined, 'Up to 10 Gigabit'],
      ['xlarge', 4, undefined, 'Up to 10 Gigabit'],
      ['2xlarge', 8, undefined, 'Up to 10 Gigabit'],
      ['4xlarge', 16, undefined, 'Up to 10 Gigabit'],
      ['9xlarge', 36, undefined, '10 Gigabit'],
      ['12xlarge', 48, undefined, '12 Gigabit'],
      ['18xlarge', 72, undefined, '25 Gigabit'],
      ['24xlarge', 96, undefined, '25 Gigabit'],
    ],
  },
  { name: 'c6i', arch: ['x86_64'], manufacturer: 'Intel', ghz: 3.5, hypervisor: 'nitro', gibPerVcpu: 2, threads: 2, sizes: gen6x86('32xlarge') },
  { name: 'c7i', arch: ['x86_64'], manufacturer: 'Intel', ghz: 3.2, hypervisor: 'nitro', gibPerVcpu: 2, threads: 2, sizes: gen6x86('48xlarge') },
  { name: 'c7g', arch: ['arm64'], manufacturer: 'AWS', ghz: 2.6, hypervisor: 'nitro', gibPerVcpu: 2, threads: 1, sizes: graviton3 },
  { name: 'r5', arch: ['x86_64'], manufacturer: 'Intel', ghz: 3.1, hypervisor: 'nitro', gibPerVcpu: 8, threads: 2, sizes: gen5 },
  { name: 'r6i', arch: ['x86_64'], manufacturer: 'Intel', ghz: 3.5, hypervisor: 'nitro', gibPerVcpu: 8, threads: 2, sizes: gen6x86('32xlarge') },
  { name: 'r7g', arch: ['arm64'], manufacturer: 'AWS', ghz: 2.6, hypervisor: 'nitro', gibPerVcpu: 8, threads: 1, sizes: graviton3 },
  // AWS's documented default for RunInstances without an InstanceType (a previous-generation type).
  { name: 'm1', arch: ['i386', 'x86_64'], manufacturer: 'Intel', ghz: 2.0, hypervisor: 'xen', threads: 1, currentGeneration: false, sizes: [['small', 1, 1.7, 'Low']] },
];

/** Network interfaces and IPv4 addresses per interface, by size (the EC2 User Guide's table). */
function eniLimits(family: string, size: string): [number, number] {
  if (family.startsWith('t')) {
    return ({ nano: [2, 2], micro: [2, 2], small: [3, 4], medium: [3, 6], large: [3, 12], xlarge: [family === 't2' ? 3 : 4, 15], '2xlarge': [family === 't2' ? 3 : 4, 15] } as Record<string, [number, number]>)[size];
  }
  if (size === 'small') return [2, 4];
  if (size === 'medium') return [2, 4];
  if (size === 'large') return [3, 10];
  if (size === 'xlarge' || size === '2xlarge') return [4, 15];
  const n = Number(size.replace('xlarge', ''));
  return n >= 16 ? [15, 50] : [8, 30];
}

const FREE_TIER = new Set(['t2.micro', 't3.micro']);

function build(): Map<string, InstanceTypeInfo> {
  const out = new Map<string, InstanceTypeInfo>();
  for (const f of FAMILIES) {
    for (const [size, vcpus, gib, net] of f.sizes) {
      const type = `${f.name}.${size}`;
      const memGib = gib ?? vcpus * (f.gibPerVcpu ?? 4);
      const cores = f.threads === 2 ? Math.max(1, vcpus / 2) : vcpus;
      const [maxEnis, ipv4PerEni] = eniLimits(f.name, size);
      const nitro = f.hypervisor === 'nitro';
      const arm = f.arch.includes('arm64');
      out.set(type, {
        InstanceType: type as InstanceTypeInfo['InstanceType'],
        CurrentGeneration: f.currentGeneration ?? true,
        FreeTierEligible: FREE_TIER.has(type),
        SupportedUsageClasses: ['on-demand', 'spot'],
        SupportedRootDeviceTypes: ['ebs'],
        SupportedVirtualizationTypes: f.name === 'm1' ? ['hvm', 'paravirtual'] : ['hvm'],
        BareMetal: false,
        Hypervisor: f.hypervisor,
        ProcessorInfo: { SupportedArchitectures: f.arch, SustainedClockSpeedInGhz: f.ghz, Manufacturer: f.manufacturer },
        VCpuInfo: {
          DefaultVCpus: vcpus,
          DefaultCores: cores,
          DefaultThreadsPerCore: f.threads,
          ValidCores: nitro && !f.burstable ? Array.from({ length: cores }, (_, i) => i + 1) : undefined,
          ValidThreadsPerCore: nitro && !f.burstable && f.threads === 2 ? [1, 2] : undefined,
        },
        MemoryInfo: { SizeInMiB: Math.round(memGib * 1024) },
        InstanceStorageSupported: false,
        EbsInfo: {
          EbsOptimizedSupport: nitro ? 'default' : 'unsupported',
          EncryptionSupport: 'supported',
          NvmeSupport: nitro ? 'required' : 'unsupported',
        },
        NetworkInfo: {
          NetworkPerformance: net,
          MaximumNetworkInterfaces: maxEnis,
          MaximumNetworkCards: 1,
          DefaultNetworkCardIndex: 0,
          NetworkCards: [{ NetworkCardIndex: 0, NetworkPerformance: net, MaximumNetworkInterfaces: maxEnis }],
          Ipv4AddressesPerInterface: ipv4PerEni,
          Ipv6AddressesPerInterface: ipv4PerEni,
          Ipv6Supported: f.name !== 'm1',
          EnaSupport: nitro ? 'required' : 'unsupported',
          EfaSupported: false,
          EncryptionInTransitSupported: nitro && !f.burstable && !['m5', 'c5', 'r5'].includes(f.name),
          EnaSrdSupported: false,
        },
        PlacementGroupInfo: { SupportedStrategies: f.burstable ? ['partition', 'spread'] : ['cluster', 'partition', 'spread'] },
        HibernationSupported: !arm && f.name !== 'm1',
        BurstablePerformanceSupported: !!f.burstable,
        DedicatedHostsSupported: f.name !== 't2' && f.name !== 'm1',
        AutoRecoverySupported: true,
        SupportedBootModes: arm ? ['uefi'] : f.hypervisor === 'xen' ? ['legacy-bios'] : ['legacy-bios', 'uefi'],
        NitroEnclavesSupport: nitro && !f.burstable && vcpus >= 4 ? 'supported' : 'unsupported',
        NitroTpmSupport: nitro ? 'supported' : 'unsupported',
        NitroTpmInfo: nitro ? { SupportedVersions: ['2.0'] } : undefined,
        PhcSupport: nitro ? 'supported' : 'unsupported',
      });
    }
  }
  return out;
}

export const INSTANCE_TYPES: Map<string, InstanceTypeInfo> = build();
