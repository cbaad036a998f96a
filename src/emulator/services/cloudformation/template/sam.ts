import { createHash } from 'node:crypto';
import { AwsError } from '../../../core/errors.js';
import type { Template, TemplateResource } from './parse.js';

/**
 * The AWS::Serverless-2016-10-31 transform (SAM): Serverless functions, APIs and HTTP APIs become
 * the Lambda, IAM and API Gateway resources SAM generates, with SAM's logical ids, so templates
 * written for `sam deploy` or `aws cloudformation deploy` behave as on AWS.
 */
export const SAM = 'AWS::Serverless-2016-10-31';

type Props = Record<string, any>;
const transformError = (message: string) => new AwsError('ValidationError', `Transform ${SAM} failed with: ${message}`, 400);
const hash = (v: unknown) => createHash('sha1').update(JSON.stringify(v)).digest('hex').slice(0, 10);

export function transforms(template: Template): string[] {
  const t = template.Transform;
  return t === undefined ? [] : Array.isArray(t) ? t : [t];
}

export function applyTransforms(template: Template): Template {
  const names = transforms(template);
  if (!names.length) return template;
  for (const n of names) {
    if (n !== SAM) throw new AwsError('ValidationError', `awslings: the transform ${n} is not supported by the sandbox (only ${SAM} is).`, 400);
  }
  return samTransform(template);
}

const LAMBDA_TRUST = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: ['lambda.amazonaws.com'] }, Action: ['sts:AssumeRole'] }],
};
const BASIC_EXECUTION = 'arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole';

const sub = (s: string) => ({ 'Fn::Sub': s });
const arnOf = (kind: string, name: unknown, suffix = '') => ({ 'Fn::Sub': [`arn:\${AWS::Partition}:${kind}${suffix}`, { name }] });

/** SAM's policy templates that the sandbox supports, as the statements SAM expands them to. */
const POLICY_TEMPLATES: Record<string, (p: Props) => object[]> = {
  S3ReadPolicy: (p) => [
    { Effect: 'Allow', Action: ['s3:GetObject', 's3:ListBucket', 's3:GetBucketLocation', 's3:GetObjectVersion', 's3:GetLifecycleConfiguration'], Resource: [arnOf('s3:::', p.BucketName, '${name}'), arnOf('s3:::', p.BucketName, '${name}/*')] },
  ],
  S3WritePolicy: (p) => [
    { Effect: 'Allow', Action: ['s3:PutObject', 's3:PutObjectAcl', 's3:PutLifecycleConfiguration'], Resource: [arnOf('s3:::', p.BucketName, '${name}'), arnOf('s3:::', p.BucketName, '${name}/*')] },
  ],
  S3CrudPolicy: (p) => [
    {
      Effect: 'Allow',
      Action: ['s3:GetObject', 's3:ListBucket', 's3:GetBucketLocation', 's3:GetObjectVersion', 's3:PutObject', 's3:PutObjectAcl', 's3:GetLifecycleConfiguration', 's3:PutLifecycleConfiguration', 's3:DeleteObject'],
      Resource: [arnOf('s3:::', p.BucketName, '${name}'), arnOf('s3:::', p.BucketName, '${name}/*')],
    },
  ],
  SQSSendMessagePolicy: (p) => [{ Effect: 'Allow', Action: ['sqs:SendMessage*'], Resource: arnOf('sqs:${AWS::Region}:${AWS::AccountId}:', p.QueueName, '${name}') }],
  SQSPollerPolicy: (p) => [
    { Effect: 'Allow', Action: ['sqs:ChangeMessageVisibility', 'sqs:ChangeMessageVisibilityBatch', 'sqs:DeleteMessage', 'sqs:DeleteMessageBatch', 'sqs:GetQueueAttributes', 'sqs:ReceiveMessage'], Resource: arnOf('sqs:${AWS::Region}:${AWS::AccountId}:', p.QueueName, '${name}') },
  ],
  LambdaInvokePolicy: (p) => [{ Effect: 'Allow', Action: ['lambda:InvokeFunction'], Resource: arnOf('lambda:${AWS::Region}:${AWS::AccountId}:function:', p.FunctionName, '${name}*') }],
  DynamoDBCrudPolicy: (p) => [
    {
      Effect: 'Allow',
      Action: ['dynamodb:GetItem', 'dynamodb:DeleteItem', 'dynamodb:PutItem', 'dynamodb:Scan', 'dynamodb:Query', 'dynamodb:UpdateItem', 'dynamodb:BatchWriteItem', 'dynamodb:BatchGetItem', 'dynamodb:DescribeTable', 'dynamodb:ConditionCheckItem'],
      Resource: [arnOf('dynamodb:${AWS::Region}:${AWS::AccountId}:table/', p.TableName, '${name}'), arnOf('dynamodb:${AWS::Region}:${AWS::AccountId}:table/', p.TableName, '${name}/index/*')],
    },
  ],
  DynamoDBReadPolicy: (p) => [
    {
      Effect: 'Allow',
      Action: ['dynamodb:GetItem', 'dynamodb:Scan', 'dynamodb:Query', 'dynamodb:BatchGetItem', 'dynamodb:DescribeTable'],
      Resource: [arnOf('dynamodb:${AWS::Region}:${AWS::AccountId}:table/', p.TableName, '${name}'), arnOf('dynamodb:${AWS::Region}:${AWS::AccountId}:table/', p.TableName, '${name}/index/*')],
    },
  ],
  SSMParameterReadPolicy: (p) => [
    { Effect: 'Allow', Action: ['ssm:DescribeParameters'], Resource: '*' },
    { Effect: 'Allow', Action: ['ssm:GetParameters', 'ssm:GetParameter', 'ssm:GetParametersByPath'], Resource: arnOf('ssm:${AWS::Region}:${AWS::AccountId}:parameter/', p.ParameterName, '${name}') },
  ],
  SESCrudPolicy: (p) => [
    { Effect: 'Allow', Action: ['ses:GetIdentityVerificationAttributes', 'ses:SendEmail', 'ses:SendRawEmail', 'ses:VerifyEmailIdentity'], Resource: arnOf('ses:${AWS::Region}:${AWS::AccountId}:identity/', p.IdentityName, '${name}') },
  ],
  SESSendBouncePolicy: (p) => [{ Effect: 'Allow', Action: ['ses:SendBounce'], Resource: arnOf('ses:${AWS::Region}:${AWS::AccountId}:identity/', p.IdentityName, '${name}') }],
  SNSPublishMessagePolicy: (p) => [{ Effect: 'Allow', Action: ['sns:Publish'], Resource: arnOf('sns:${AWS::Region}:${AWS::AccountId}:', p.TopicName, '${name}') }],
  CloudWatchPutMetricPolicy: () => [{ Effect: 'Allow', Action: ['cloudwatch:PutMetricData'], Resource: '*' }],
  AWSSecretsManagerGetSecretValuePolicy: (p) => [{ Effect: 'Allow', Action: ['secretsmanager:GetSecretValue'], Resource: p.SecretArn }],
  KMSDecryptPolicy: (p) => [{ Effect: 'Allow', Action: 'kms:Decrypt', Resource: arnOf('kms:${AWS::Region}:${AWS::AccountId}:key/', p.KeyId, '${name}') }],
  VPCAccessPolicy: () => [
    { Effect: 'Allow', Action: ['ec2:CreateNetworkInterface', 'ec2:DeleteNetworkInterface', 'ec2:DescribeNetworkInterfaces', 'ec2:DetachNetworkInterface'], Resource: '*' },
  ],
  CognitoUserPoolCrudPolicy: (p) => [{ Effect: 'Allow', Action: ['cognito-idp:*'], Resource: arnOf('cognito-idp:${AWS::Region}:${AWS::AccountId}:userpool/', p.UserPoolId, '${name}') }],
};

/** SAM's `Policies`: managed policy names or ARNs, inline documents, and policy templates. */
function rolePolicies(functionId: string, policies: unknown): { managed: unknown[]; inline: { PolicyName: string; PolicyDocument: object }[] } {
  const managed: unknown[] = [];
  const inline: { PolicyName: string; PolicyDocument: object }[] = [];
  const list = policies === undefined ? [] : Array.isArray(policies) ? policies : [policies];
  list.forEach((p, i) => {
    if (typeof p === 'string') managed.push(p.startsWith('arn:') ? p : `arn:aws:iam::aws:policy/${p}`);
    else if (p && typeof p === 'object' && 'Statement' in p) inline.push({ PolicyName: `${functionId}RolePolicy${i}`, PolicyDocument: p as object });
    else if (p && typeof p === 'object') {
      const [name, params] = Object.entries(p as Props)[0] ?? [];
      if (name === 'Fn::If' || name === 'Ref' || name === 'Fn::Sub' || name === 'Fn::GetAtt' || name === 'Fn::ImportValue') {
        managed.push(p);
        return;
      }
      const tpl = POLICY_TEMPLATES[name];
      if (!tpl) throw transformError(`Resource with id [${functionId}] is invalid. awslings: the SAM policy template ${name} is not supported by the sandbox (supported: ${Object.keys(POLICY_TEMPLATES).join(', ')}).`);
      inline.push({ PolicyName: `${functionId}RolePolicy${i}`, PolicyDocument: { Version: '2012-10-17', Statement: tpl((params ?? {}) as Props) } });
    }
  });
  return { managed, inline };
}

/** `CodeUri: s3://bucket/key` or `{Bucket, Key, Version}` → Lambda's Code. */
function codeOf(id: string, p: Props): Props {
  if (p.InlineCode !== undefined) return { ZipFile: p.InlineCode };
  const uri = p.CodeUri;
  if (typeof uri === 'string') {
    const m = /^s3:\/\/([^/]+)\/(.+)$/.exec(uri);
    if (!m) {
      throw transformError(
        `Resource with id [${id}] is invalid. 'CodeUri' is not a valid S3 Uri of the form 's3://bucket/key' with optional versionId query parameter. (awslings: run "aws cloudformation package" first to upload local code.)`,
      );
    }
    return { S3Bucket: m[1], S3Key: m[2] };
  }
  if (uri && typeof uri === 'object' && 'Bucket' in uri) return { S3Bucket: uri.Bucket, S3Key: uri.Key, ...(uri.Version ? { S3ObjectVersion: uri.Version } : {}) };
  if (p.ImageUri) return { ImageUri: p.ImageUri };
  throw transformError(`Resource with id [${id}] is invalid. Either 'InlineCode' or 'CodeUri' must be set.`);
}

const tagList = (tags: unknown, extra: Record<string, string>) =>
  Object.entries({ ...extra, ...((tags ?? {}) as Record<string, string>) }).map(([Key, Value]) => ({ Key, Value }));

interface ApiRoute {
  path: string;
  method: string;
  functionId: string;
}

function swaggerFor(title: unknown, routes: ApiRoute[]): object {
  const paths: Props = {};
  for (const r of routes) {
    const method = r.method.toLowerCase() === 'any' ? 'x-amazon-apigateway-any-method' : r.method.toLowerCase();
    paths[r.path] ??= {};
    paths[r.path][method] = {
      'x-amazon-apigateway-integration': {
        httpMethod: 'POST',
        type: 'aws_proxy',
        uri: sub(`arn:\${AWS::Partition}:apigateway:\${AWS::Region}:lambda:path/2015-03-31/functions/\${${r.functionId}.Arn}/invocations`),
      },
      responses: {},
    };
  }
  return { swagger: '2.0', info: { version: '1.0', title }, paths };
}

function openApiFor(title: unknown, routes: ApiRoute[]): object {
  const paths: Props = {};
  for (const r of routes) {
    const method = r.method.toLowerCase() === 'any' ? 'x-amazon-apigateway-any-method' : r.method.toLowerCase();
    paths[r.path] ??= {};
    paths[r.path][method] = {
      'x-amazon-apigateway-integration': {
        httpMethod: 'POST',
        type: 'aws_proxy',
        uri: sub(`arn:\${AWS::Partition}:apigateway:\${AWS::Region}:lambda:path/2015-03-31/functions/\${${r.functionId}.Arn}/invocations`),
        payloadFormatVersion: '2.0',
      },
      responses: {},
    };
  }
  return { openapi: '3.0.1', info: { version: '1.0', title }, paths };
}

const merge = (globals: Props | undefined, props: Props): Props => {
  const out: Props = { ...(globals ?? {}) };
  for (const [k, v] of Object.entries(props)) {
    if (v && typeof v === 'object' && !Array.isArray(v) && out[k] && typeof out[k] === 'object' && !Array.isArray(out[k]) && !Object.keys(v).some((x) => x.startsWith('Fn::') || x === 'Ref')) {
      out[k] = merge(out[k], v);
    } else out[k] = v;
  }
  return out;
};

function samTransform(input: Template): Template {
  const template: Template = JSON.parse(JSON.stringify(input));
  delete template.Transform;
  const globals = template.Globals ?? {};
  delete template.Globals;
  const resources: Record<string, TemplateResource> = {};
  const restRoutes = new Map<string, ApiRoute[]>();
  const httpRoutes = new Map<string, ApiRoute[]>();
  const explicitApis = new Map<string, { id: string; def: TemplateResource }>();
  const permissions: [string, TemplateResource][] = [];

  for (const [id, r] of Object.entries(template.Resources ?? {})) {
    if (r.Type === 'AWS::Serverless::Api' || r.Type === 'AWS::Serverless::HttpApi') explicitApis.set(id, { id, def: r });
  }

  for (const [id, r] of Object.entries(template.Resources ?? {})) {
    const common = { ...(r.Condition ? { Condition: r.Condition } : {}), ...(r.DependsOn ? { DependsOn: r.DependsOn } : {}) };
    if (r.Type === 'AWS::Serverless::Function') {
      const p = merge(globals.Function, r.Properties ?? {});
      let roleArn: unknown = p.Role;
      if (roleArn === undefined) {
        const { managed, inline } = rolePolicies(id, p.Policies);
        const extra = Object.values((p.Events ?? {}) as Record<string, Props>).some((e) => e.Type === 'SQS') ? ['arn:aws:iam::aws:policy/service-role/AWSLambdaSQSQueueExecutionRole'] : [];
        resources[`${id}Role`] = {
          Type: 'AWS::IAM::Role',
          ...(r.Condition ? { Condition: r.Condition } : {}),
          Properties: {
            AssumeRolePolicyDocument: p.AssumeRolePolicyDocument ?? LAMBDA_TRUST,
            ManagedPolicyArns: [BASIC_EXECUTION, ...extra, ...managed],
            ...(inline.length ? { Policies: inline } : {}),
            ...(p.PermissionsBoundary ? { PermissionsBoundary: p.PermissionsBoundary } : {}),
            Tags: tagList(p.Tags, { 'lambda:createdBy': 'SAM' }),
          },
        };
        roleArn = { 'Fn::GetAtt': [`${id}Role`, 'Arn'] };
      }
      const fn: Props = {
        Code: codeOf(id, p),
        Role: roleArn,
        Tags: tagList(p.Tags, { 'lambda:createdBy': 'SAM' }),
      };
      for (const k of ['FunctionName', 'Handler', 'Runtime', 'Description', 'MemorySize', 'Timeout', 'Environment', 'Architectures', 'Layers', 'TracingConfig', 'KmsKeyArn', 'ReservedConcurrentExecutions', 'VpcConfig', 'EphemeralStorage', 'PackageType', 'ImageConfig', 'LoggingConfig', 'SnapStart', 'RuntimeManagementConfig']) {
        if (p[k] !== undefined) fn[k] = p[k];
      }
      if (p.Tracing) fn.TracingConfig = { Mode: p.Tracing };
      if (p.DeadLetterQueue) fn.DeadLetterConfig = { TargetArn: p.DeadLetterQueue.TargetArn };
      if (fn.Environment && !fn.Environment.Variables) fn.Environment = { Variables: fn.Environment };
      resources[id] = { Type: 'AWS::Lambda::Function', ...common, Properties: fn, ...(r.DeletionPolicy ? { DeletionPolicy: r.DeletionPolicy } : {}) };
      if (p.AutoPublishAlias) {
        const versionId = `${id}Version${hash(fn).slice(0, 10)}`;
        resources[versionId] = { Type: 'AWS::Lambda::Version', DeletionPolicy: 'Retain', Properties: { FunctionName: { Ref: id } } };
        resources[`${id}Alias${p.AutoPublishAlias}`] = {
          Type: 'AWS::Lambda::Alias',
          Properties: { Name: p.AutoPublishAlias, FunctionName: { Ref: id }, FunctionVersion: { 'Fn::GetAtt': [versionId, 'Version'] } },
        };
      }
      if (p.FunctionUrlConfig) {
        resources[`${id}Url`] = { Type: 'AWS::Lambda::Url', Properties: { TargetFunctionArn: { Ref: id }, ...p.FunctionUrlConfig } };
        if (p.FunctionUrlConfig.AuthType === 'NONE') {
          permissions.push([`${id}UrlPublicPermissions`, { Type: 'AWS::Lambda::Permission', Properties: { Action: 'lambda:InvokeFunctionUrl', FunctionName: { Ref: id }, Principal: '*', FunctionUrlAuthType: 'NONE' } }]);
        }
      }
      for (const [eventId, ev] of Object.entries((p.Events ?? {}) as Record<string, Props>)) {
        const ep = ev.Properties ?? {};
        if (ev.Type === 'Api') {
          const apiId = ep.RestApiId?.Ref ?? 'ServerlessRestApi';
          if (!restRoutes.has(apiId)) restRoutes.set(apiId, []);
          restRoutes.get(apiId)!.push({ path: ep.Path, method: ep.Method, functionId: id });
          const stage = apiId === 'ServerlessRestApi' ? 'Prod' : (explicitApis.get(apiId)?.def.Properties?.StageName ?? 'Prod');
          permissions.push([
            `${id}${eventId}Permission${typeof stage === 'string' ? stage : 'Stage'}`,
            {
              Type: 'AWS::Lambda::Permission',
              Properties: {
                Action: 'lambda:InvokeFunction',
                FunctionName: { Ref: id },
                Principal: 'apigateway.amazonaws.com',
                SourceArn: { 'Fn::Sub': [`arn:\${AWS::Partition}:execute-api:\${AWS::Region}:\${AWS::AccountId}:\${__ApiId__}/\${__Stage__}/${String(ep.Method).toUpperCase() === 'ANY' ? '*' : String(ep.Method).toUpperCase()}${String(ep.Path).replace(/\{[^}]+\}/g, '*')}`, { __ApiId__: { Ref: apiId }, __Stage__: '*' }] },
              },
            },
          ]);
        } else if (ev.Type === 'HttpApi') {
          const apiId = ep.ApiId?.Ref ?? 'ServerlessHttpApi';
          if (!httpRoutes.has(apiId)) httpRoutes.set(apiId, []);
          httpRoutes.get(apiId)!.push({ path: ep.Path ?? '$default', method: ep.Method ?? 'ANY', functionId: id });
          const route = ep.Path ? `${String(ep.Method ?? 'ANY').toUpperCase() === 'ANY' ? '*' : String(ep.Method).toUpperCase()}${String(ep.Path).replace(/\{[^}]+\}/g, '*')}` : '*';
          permissions.push([
            `${id}${eventId}Permission`,
            {
              Type: 'AWS::Lambda::Permission',
              Properties: {
                Action: 'lambda:InvokeFunction',
                FunctionName: { Ref: id },
                Principal: 'apigateway.amazonaws.com',
                SourceArn: { 'Fn::Sub': [`arn:\${AWS::Partition}:execute-api:\${AWS::Region}:\${AWS::AccountId}:\${__ApiId__}/\${__Stage__}/${route}`, { __ApiId__: { Ref: apiId }, __Stage__: '*' }] },
              },
            },
          ]);
        } else if (ev.Type === 'SQS') {
          resources[`${id}${eventId}`] = {
            Type: 'AWS::Lambda::EventSourceMapping',
            Properties: { EventSourceArn: ep.Queue, FunctionName: { Ref: id }, ...(ep.BatchSize ? { BatchSize: ep.BatchSize } : {}), ...(ep.Enabled !== undefined ? { Enabled: ep.Enabled } : {}) },
          };
        } else if (ev.Type === 'Schedule' || ev.Type === 'ScheduleV2' || ev.Type === 'EventBridgeRule' || ev.Type === 'CloudWatchEvent') {
          resources[`${id}${eventId}`] = {
            Type: 'AWS::Events::Rule',
            Properties: { ScheduleExpression: ep.Schedule, EventPattern: ep.Pattern, State: ep.Enabled === false ? 'DISABLED' : 'ENABLED', Targets: [{ Arn: { 'Fn::GetAtt': [id, 'Arn'] }, Id: `${id}${eventId}LambdaTarget` }] },
          };
        } else {
          throw transformError(`Resource with id [${id}] is invalid. awslings: the SAM event type ${ev.Type} (event ${eventId}) is not supported by the sandbox.`);
        }
      }
    } else if (r.Type === 'AWS::Serverless::LayerVersion') {
      const p: Props = r.Properties ?? {};
      const content = typeof p.ContentUri === 'string' ? /^s3:\/\/([^/]+)\/(.+)$/.exec(p.ContentUri) : undefined;
      resources[id] = {
        Type: 'AWS::Lambda::LayerVersion',
        DeletionPolicy: p.RetentionPolicy === 'Delete' ? 'Delete' : 'Retain',
        Properties: {
          LayerName: p.LayerName ?? id,
          Description: p.Description,
          CompatibleRuntimes: p.CompatibleRuntimes,
          Content: content ? { S3Bucket: content[1], S3Key: content[2] } : { S3Bucket: p.ContentUri?.Bucket, S3Key: p.ContentUri?.Key },
        },
      };
    } else if (r.Type === 'AWS::Serverless::SimpleTable') {
      const p: Props = r.Properties ?? {};
      const pk = p.PrimaryKey ?? { Name: 'id', Type: 'String' };
      resources[id] = {
        Type: 'AWS::DynamoDB::Table',
        ...common,
        Properties: {
          ...(p.TableName ? { TableName: p.TableName } : {}),
          AttributeDefinitions: [{ AttributeName: pk.Name, AttributeType: pk.Type === 'Number' ? 'N' : pk.Type === 'Binary' ? 'B' : 'S' }],
          KeySchema: [{ AttributeName: pk.Name, KeyType: 'HASH' }],
          BillingMode: 'PAY_PER_REQUEST',
        },
      };
    } else if (r.Type === 'AWS::Serverless::Api' || r.Type === 'AWS::Serverless::HttpApi') {
      // Generated after the functions, which add their routes.
    } else if (r.Type.startsWith('AWS::Serverless::')) {
      throw transformError(`awslings: the SAM resource type ${r.Type} (resource ${id}) is not supported by the sandbox.`);
    } else resources[id] = r;
  }

  const restApi = (apiId: string, props: Props, routes: ApiRoute[], condition?: string) => {
    const p = merge(globals.Api, props);
    const body = p.DefinitionBody ?? swaggerFor(p.Name ?? { Ref: 'AWS::StackName' }, routes);
    resources[apiId] = {
      Type: 'AWS::ApiGateway::RestApi',
      ...(condition ? { Condition: condition } : {}),
      Properties: { Body: body, ...(p.Name ? { Name: p.Name } : {}), ...(p.EndpointConfiguration ? { EndpointConfiguration: { Types: [p.EndpointConfiguration.Type ?? p.EndpointConfiguration] } } : {}) },
    };
    const deploymentId = `${apiId}Deployment${hash(body)}`;
    resources[deploymentId] = { Type: 'AWS::ApiGateway::Deployment', Properties: { RestApiId: { Ref: apiId }, Description: `RestApi deployment id: ${hash(body)}`, StageName: 'Stage' } };
    const stageName = p.StageName ?? 'Prod';
    resources[`${apiId}${typeof stageName === 'string' ? stageName : ''}Stage`] = {
      Type: 'AWS::ApiGateway::Stage',
      Properties: { RestApiId: { Ref: apiId }, DeploymentId: { Ref: deploymentId }, StageName: stageName, ...(p.Variables ? { Variables: p.Variables } : {}) },
    };
  };
  const httpApi = (apiId: string, props: Props, routes: ApiRoute[], condition?: string) => {
    const p = merge(globals.HttpApi, props);
    const body = p.DefinitionBody ?? openApiFor(p.Name ?? { Ref: 'AWS::StackName' }, routes);
    resources[apiId] = { Type: 'AWS::ApiGatewayV2::Api', ...(condition ? { Condition: condition } : {}), Properties: { Body: body, ...(p.CorsConfiguration ? { CorsConfiguration: p.CorsConfiguration } : {}) } };
    const stageName = p.StageName ?? '$default';
    resources[`${apiId}${stageName === '$default' ? 'ApiGatewayDefault' : stageName}Stage`] = {
      Type: 'AWS::ApiGatewayV2::Stage',
      Properties: { ApiId: { Ref: apiId }, StageName: stageName, AutoDeploy: true, ...(p.StageVariables ? { StageVariables: p.StageVariables } : {}) },
    };
  };
  for (const [apiId, { def }] of explicitApis) {
    if (def.Type === 'AWS::Serverless::Api') restApi(apiId, def.Properties ?? {}, restRoutes.get(apiId) ?? [], def.Condition);
    else httpApi(apiId, def.Properties ?? {}, httpRoutes.get(apiId) ?? [], def.Condition);
  }
  if (restRoutes.has('ServerlessRestApi') && !explicitApis.has('ServerlessRestApi')) restApi('ServerlessRestApi', {}, restRoutes.get('ServerlessRestApi')!);
  if (httpRoutes.has('ServerlessHttpApi') && !explicitApis.has('ServerlessHttpApi')) httpApi('ServerlessHttpApi', {}, httpRoutes.get('ServerlessHttpApi')!);
  for (const [id, r] of permissions) resources[id] = r;
  template.Resources = resources;
  return template;
}
