import type { DescribeImagesRequest, DescribeImagesResult, Image } from '@aws-sdk/client-ec2';
import { AwsError } from '../../core/errors.js';
import { operation } from '../../core/service.js';
import { paginate } from './common.js';
import { applyFilters } from './filters.js';
import { imagesIn } from './data/images.js';

/** Which catalog images an `Owners` value names: `amazon`, `aws-marketplace`, `self` or an account id. */
function ownedBy(image: Image, owner: string, accountId: string): boolean {
  if (owner === 'self') return image.OwnerId === accountId;
  if (owner === 'amazon' || owner === 'aws-marketplace' || owner === 'aws-backup-vault') return image.ImageOwnerAlias === owner;
  return image.OwnerId === owner;
}

export const DescribeImages = operation<DescribeImagesRequest, DescribeImagesResult>({
  handler(input, ctx) {
    let images = imagesIn(ctx.region).map((e) => e.image);
    if (input.ImageIds?.length) {
      images = input.ImageIds.map((id) => {
        if (!/^ami-[0-9a-f]{8,17}$/.test(id)) throw new AwsError('InvalidAMIID.Malformed', `Invalid id: "${id}" (expecting "ami-...")`, 400);
        const found = images.find((i) => i.ImageId === id);
        if (!found) throw new AwsError('InvalidAMIID.NotFound', `The image id '[${id}]' does not exist`, 400);
        return found;
      });
    }
    if (input.Owners?.length) images = images.filter((i) => input.Owners!.some((o) => ownedBy(i, o, ctx.accountId)));
    const found = applyFilters(images, input.Filters, {
      architecture: (i) => i.Architecture,
      'block-device-mapping.delete-on-termination': (i) => i.BlockDeviceMappings?.map((b) => b.Ebs?.DeleteOnTermination),
      'block-device-mapping.device-name': (i) => i.BlockDeviceMappings?.map((b) => b.DeviceName),
      'block-device-mapping.snapshot-id': (i) => i.BlockDeviceMappings?.map((b) => b.Ebs?.SnapshotId),
      'block-device-mapping.volume-size': (i) => i.BlockDeviceMappings?.map((b) => b.Ebs?.VolumeSize),
      'block-device-mapping.volume-type': (i) => i.BlockDeviceMappings?.map((b) => b.Ebs?.VolumeType),
      'block-device-mapping.encrypted': (i) => i.BlockDeviceMappings?.map((b) => b.Ebs?.Encrypted),
      'creation-date': (i) => i.CreationDate,
      description: (i) => i.Description,
      'ena-support': (i) => i.EnaSupport,
      hypervisor: (i) => i.Hypervisor,
      'image-id': (i) => i.ImageId,
      'image-type': (i) => i.ImageType,
      'imds-support': (i) => i.ImdsSupport,
      'is-public': (i) => i.Public,
      manifest_location: (i) => i.ImageLocation,
      'manifest-location': (i) => i.ImageLocation,
      name: (i) => i.Name,
      'owner-alias': (i) => i.ImageOwnerAlias,
      'owner-id': (i) => i.OwnerId,
      platform: (i) => i.Platform,
      'platform-details': (i) => i.PlatformDetails,
      'usage-operation': (i) => i.UsageOperation,
      'root-device-name': (i) => i.RootDeviceName,
      'root-device-type': (i) => i.RootDeviceType,
      'sriov-net-support': (i) => i.SriovNetSupport,
      state: (i) => i.State,
      'virtualization-type': (i) => i.VirtualizationType,
    });
    const { page, NextToken } = paginate(found, input, { ids: input.ImageIds, idsParam: 'imageIds' });
    return { Images: page, NextToken };
  },
});
