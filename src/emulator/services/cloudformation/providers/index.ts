import type { ResourceProvider } from './types.js';
import * as iam from './iam.js';
import * as s3 from './s3.js';
import * as ssm from './ssm.js';
import * as lambda from './lambda.js';
import * as messaging from './messaging.js';
import * as cognito from './cognito.js';
import * as apigateway from './apigateway.js';
import * as apigatewayv2 from './apigatewayv2.js';
import * as cloudfront from './cloudfront.js';
import * as ec2 from './ec2.js';
import * as ec2SecurityGroups from './ec2SecurityGroups.js';
import * as ec2Instance from './ec2Instance.js';

/** Every resource type the sandbox can deploy, by CloudFormation type name. */
export const providers: Record<string, ResourceProvider> = Object.fromEntries(
  [iam, s3, ssm, lambda, messaging, cognito, apigateway, apigatewayv2, cloudfront, ec2, ec2SecurityGroups, ec2Instance].flatMap((m) => Object.values(m) as ResourceProvider[]).map((p) => [p.type, p]),
);
