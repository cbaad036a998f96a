import type { Image } from '@aws-sdk/client-ec2';
import { createHash } from 'node:crypto';

/**
 * A small catalog of public AMIs, the ones lessons launch: Amazon Linux 2023 and 2, Ubuntu 22.04
 * and 24.04 (x86_64 and arm64), and Windows Server 2022. AMI ids differ per region in AWS; here
 * they are derived from the region and the image name, so they are stable and plausible.
 */
interface CatalogImage {
  name: string;
  description: string;
  ownerId: string;
  alias?: string;
  arch: 'x86_64' | 'arm64';
  rootDevice: string;
  volumeSize: number;
  volumeType: 'gp2' | 'gp3';
  created: string;
  platform?: 'windows';
  bootMode?: 'uefi' | 'uefi-preferred' | 'legacy-bios';
  imdsV2?: boolean;
  /** Short alias used by SSM public parameters and lessons (`al2023-x86_64`). */
  family: string;
}

const AMAZON = '137112412989';
const CANONICAL = '099720109477';
const MICROSOFT_ON_AWS = '801119661308';

const CATALOG: CatalogImage[] = [
  {
    family: 'al2023',
    name: 'al2023-ami-2023.6.20250303.0-kernel-6.1-x86_64',
    description: 'Amazon Linux 2023 AMI 2023.6.20250303.0 x86_64 HVM kernel-6.1',
    ownerId: AMAZON,
    alias: 'amazon',
    arch: 'x86_64',
    rootDevice: '/dev/xvda',
    volumeSize: 8,
    volumeType: 'gp3',
    created: '2025-03-03T22:07:29.000Z',
    bootMode: 'uefi-preferred',
    imdsV2: true,
  },
  {
    family: 'al2023',
    name: 'al2023-ami-2023.6.20250303.0-kernel-6.1-arm64',
    description: 'Amazon Linux 2023 AMI 2023.6.20250303.0 arm64 HVM kernel-6.1',
    ownerId: AMAZON,
    alias: 'amazon',
    arch: 'arm64',
    rootDevice: '/dev/xvda',
    volumeSize: 8,
    volumeType: 'gp3',
    created: '2025-03-03T22:07:31.000Z',
    bootMode: 'uefi',
    imdsV2: true,
  },
  {
    family: 'amzn2',
    name: 'amzn2-ami-kernel-5.10-hvm-2.0.20250305.0-x86_64-gp2',
    description: 'Amazon Linux 2 Kernel 5.10 AMI 2.0.20250305.0 x86_64 HVM gp2',
    ownerId: AMAZON,
    alias: 'amazon',
    arch: 'x86_64',
    rootDevice: '/dev/xvda',
    volumeSize: 8,
    volumeType: 'gp2',
    created: '2025-03-06T01:12:40.000Z',
  },
  {
    family: 'amzn2',
    name: 'amzn2-ami-kernel-5.10-hvm-2.0.20250305.0-arm64-gp2',
    description: 'Amazon Linux 2 Kernel 5.10 AMI 2.0.20250305.0 arm64 HVM gp2',
    ownerId: AMAZON,
    alias: 'amazon',
    arch: 'arm64',
    rootDevice: '/dev/xvda',
    volumeSize: 8,
    volumeType: 'gp2',
    created: '2025-03-06T01:12:44.000Z',
    bootMode: 'uefi',
  },
  {
    family: 'ubuntu-22.04',
    name: 'ubuntu/images/hvm-ssd/ubuntu-jammy-22.04-amd64-server-20250305',
    description: 'Canonical, Ubuntu, 22.04 LTS, amd64 jammy image build on 2025-03-05',
    ownerId: CANONICAL,
    arch: 'x86_64',
    rootDevice: '/dev/sda1',
    volumeSize: 8,
    volumeType: 'gp2',
    created: '2025-03-05T07:05:12.000Z',
  },
  {
    family: 'ubuntu-22.04',
    name: 'ubuntu/images/hvm-ssd/ubuntu-jammy-22.04-arm64-server-20250305',
    description: 'Canonical, Ubuntu, 22.04 LTS, arm64 jammy image build on 2025-03-05',
    ownerId: CANONICAL,
    arch: 'arm64',
    rootDevice: '/dev/sda1',
    volumeSize: 8,
    volumeType: 'gp2',
    created: '2025-03-05T07:05:19.000Z',
  },
  {
    family: 'ubuntu-24.04',
    name: 'ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-amd64-server-20250305',
    description: 'Canonical, Ubuntu, 24.04, amd64 noble image',
    ownerId: CANONICAL,
    arch: 'x86_64',
    rootDevice: '/dev/sda1',
    volumeSize: 8,
    volumeType: 'gp3',
    created: '2025-03-05T08:40:02.000Z',
    bootMode: 'uefi-preferred',
  },
  {
    family: 'ubuntu-24.04',
    name: 'ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-arm64-server-20250305',
    description: 'Canonical, Ubuntu, 24.04, arm64 noble image',
    ownerId: CANONICAL,
    arch: 'arm64',
    rootDevice: '/dev/sda1',
    volumeSize: 8,
    volumeType: 'gp3',
    created: '2025-03-05T08:40:09.000Z',
    bootMode: 'uefi',
  },
  {
    family: 'windows-2022',
    name: 'Windows_Server-2022-English-Full-Base-2025.03.12',
    description: 'Microsoft Windows Server 2022 Full Locale English AMI provided by Amazon',
    ownerId: MICROSOFT_ON_AWS,
    alias: 'amazon',
    arch: 'x86_64',
    rootDevice: '/dev/sda1',
    volumeSize: 30,
    volumeType: 'gp2',
    created: '2025-03-12T19:41:53.000Z',
    platform: 'windows',
  },
];

const hex17 = (...parts: string[]) => createHash('sha256').update(parts.join('|')).digest('hex').slice(0, 17);

export interface CatalogEntry {
  image: Image;
  family: string;
}

const cache = new Map<string, CatalogEntry[]>();

/** The catalog as DescribeImages shows it in `region`. */
export function imagesIn(region: string): CatalogEntry[] {
  let list = cache.get(region);
  if (list) return list;
  list = CATALOG.map((c) => {
    const ImageId = `ami-${hex17(region, c.name)}`;
    const windows = c.platform === 'windows';
    const image: Image = {
      PlatformDetails: windows ? 'Windows' : 'Linux/UNIX',
      UsageOperation: windows ? 'RunInstances:0002' : 'RunInstances',
      BlockDeviceMappings: [
        {
          Ebs: {
            DeleteOnTermination: true,
            Iops: c.volumeType === 'gp3' ? 3000 : undefined,
            SnapshotId: `snap-${hex17(region, c.name, 'snap')}`,
            VolumeSize: c.volumeSize,
            VolumeType: c.volumeType,
            Throughput: c.volumeType === 'gp3' ? 125 : undefined,
            Encrypted: false,
          },
          DeviceName: c.rootDevice,
        },
      ],
      Description: c.description,
      EnaSupport: true,
      Hypervisor: 'xen',
      ImageOwnerAlias: c.alias,
      Name: c.name,
      RootDeviceName: c.rootDevice,
      RootDeviceType: 'ebs',
      SriovNetSupport: 'simple',
      VirtualizationType: 'hvm',
      BootMode: c.bootMode,
      DeprecationTime: new Date(new Date(c.created).getTime() + 2 * 365 * 86400_000).toISOString(),
      ImdsSupport: c.imdsV2 ? 'v2.0' : undefined,
      ImageId,
      ImageLocation: `${c.alias ?? c.ownerId}/${c.name}`,
      State: 'available',
      OwnerId: c.ownerId,
      CreationDate: c.created,
      Public: true,
      Architecture: c.arch,
      ImageType: 'machine',
      // The SDK's type says `Windows`; EC2 sends `windows`.
      Platform: c.platform as Image['Platform'],
    };
    return { image, family: c.family };
  });
  cache.set(region, list);
  return list;
}

export const findImage = (region: string, imageId: string): Image | undefined => imagesIn(region).find((e) => e.image.ImageId === imageId)?.image;

/** The latest image of a family and architecture (what `/aws/service/ami-amazon-linux-latest/…` parameters resolve to). */
export const latestImage = (region: string, family: string, arch: 'x86_64' | 'arm64'): Image | undefined =>
  imagesIn(region).find((e) => e.family === family && e.image.Architecture === arch)?.image;
