import type { DescribeInstanceTypesRequest, DescribeInstanceTypesResult, InstanceTypeInfo } from '@aws-sdk/client-ec2';
import { AwsError } from '../../core/errors.js';
import { operation } from '../../core/service.js';
import { paginate } from './common.js';
import { applyFilters, type FilterSpec } from './filters.js';
import { INSTANCE_TYPES } from './data/instanceTypes.js';

const filters: FilterSpec<InstanceTypeInfo> = {
  'auto-recovery-supported': (t) => t.AutoRecoverySupported,
  'bare-metal': (t) => t.BareMetal,
  'burstable-performance-supported': (t) => t.BurstablePerformanceSupported,
  'current-generation': (t) => t.CurrentGeneration,
  'dedicated-hosts-supported': (t) => t.DedicatedHostsSupported,
  'ebs-info.ebs-optimized-support': (t) => t.EbsInfo?.EbsOptimizedSupport,
  'ebs-info.encryption-support': (t) => t.EbsInfo?.EncryptionSupport,
  'ebs-info.nvme-support': (t) => t.EbsInfo?.NvmeSupport,
  'free-tier-eligible': (t) => t.FreeTierEligible,
  'hibernation-supported': (t) => t.HibernationSupported,
  hypervisor: (t) => t.Hypervisor,
  'instance-storage-supported': (t) => t.InstanceStorageSupported,
  'instance-type': (t) => t.InstanceType,
  'memory-info.size-in-mib': (t) => t.MemoryInfo?.SizeInMiB,
  'network-info.efa-supported': (t) => t.NetworkInfo?.EfaSupported,
  'network-info.ena-support': (t) => t.NetworkInfo?.EnaSupport,
  'network-info.ipv4-addresses-per-interface': (t) => t.NetworkInfo?.Ipv4AddressesPerInterface,
  'network-info.ipv6-addresses-per-interface': (t) => t.NetworkInfo?.Ipv6AddressesPerInterface,
  'network-info.ipv6-supported': (t) => t.NetworkInfo?.Ipv6Supported,
  'network-info.maximum-network-interfaces': (t) => t.NetworkInfo?.MaximumNetworkInterfaces,
  'network-info.network-performance': (t) => t.NetworkInfo?.NetworkPerformance,
  'processor-info.manufacturer': (t) => t.ProcessorInfo?.Manufacturer,
  'processor-info.supported-architecture': (t) => t.ProcessorInfo?.SupportedArchitectures,
  'processor-info.sustained-clock-speed-in-ghz': (t) => t.ProcessorInfo?.SustainedClockSpeedInGhz,
  'supported-boot-mode': (t) => t.SupportedBootModes,
  'supported-root-device-type': (t) => t.SupportedRootDeviceTypes,
  'supported-usage-class': (t) => t.SupportedUsageClasses,
  'supported-virtualization-type': (t) => t.SupportedVirtualizationTypes,
  'vcpu-info.default-cores': (t) => t.VCpuInfo?.DefaultCores,
  'vcpu-info.default-threads-per-core': (t) => t.VCpuInfo?.DefaultThreadsPerCore,
  'vcpu-info.default-vcpus': (t) => t.VCpuInfo?.DefaultVCpus,
  'vcpu-info.valid-cores': (t) => t.VCpuInfo?.ValidCores,
  'vcpu-info.valid-threads-per-core': (t) => t.VCpuInfo?.ValidThreadsPerCore,
};

export const DescribeInstanceTypes = operation<DescribeInstanceTypesRequest, DescribeInstanceTypesResult>({
  handler(input) {
    let types = [...INSTANCE_TYPES.values()];
    if (input.InstanceTypes?.length) {
      const unknown = input.InstanceTypes.filter((t) => !INSTANCE_TYPES.has(t));
      if (unknown.length) throw new AwsError('InvalidInstanceType', `The following supplied instance types do not exist: [${unknown.join(', ')}]`, 400);
      types = input.InstanceTypes.map((t) => INSTANCE_TYPES.get(t)!);
    }
    const found = applyFilters(types, input.Filters, filters);
    // AWS pages DescribeInstanceTypes by 100 even when MaxResults is not given.
    const { page, NextToken } = paginate(found, { MaxResults: input.MaxResults ?? (input.InstanceTypes?.length ? undefined : 100), NextToken: input.NextToken }, { max: 100 });
    return { InstanceTypes: page, NextToken };
  },
});
