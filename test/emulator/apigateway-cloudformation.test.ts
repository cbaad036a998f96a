import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as CFN from '@aws-sdk/client-cloudformation';
import * as CF from '@aws-sdk/client-cloudfront';
import * as S3 from '@aws-sdk/client-s3';
import * as AG from '@aws-sdk/client-api-gateway';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator.js';

/* CloudFormation templates of the front doors: a REST API, an HTTP API, a function URL and a distribution. */

let emu: TestEmulator;
let cfn: CFN.CloudFormationClient;

beforeAll(async () => {
  emu = await startTestEmulator();
  cfn = new CFN.CloudFormationClient(emu.config());
});
afterAll(() => emu?.close());

async function deploy(StackName: string, TemplateBody: string, update = false): Promise<Record<string, string>> {
  await cfn.send(update ? new CFN.UpdateStackCommand({ StackName, TemplateBody, Capabilities: ['CAPABILITY_IAM'] }) : new CFN.CreateStackCommand({ StackName, TemplateBody, Capabilities: ['CAPABILITY_IAM'] }));
  for (let i = 0; i < 600; i++) {
    const s = (await cfn.send(new CFN.DescribeStacksCommand({ StackName }))).Stacks![0];
    if (!s.StackStatus!.endsWith('_IN_PROGRESS')) {
      if (!['CREATE_COMPLETE', 'UPDATE_COMPLETE'].includes(s.StackStatus!)) {
        const events = (await cfn.send(new CFN.DescribeStackEventsCommand({ StackName }))).StackEvents!;
        throw new Error(`${StackName}: ${s.StackStatus}: ${events.filter((e) => e.ResourceStatusReason).map((e) => `${e.LogicalResourceId}: ${e.ResourceStatusReason}`).join('; ')}`);
      }
      return Object.fromEntries((s.Outputs ?? []).map((o) => [o.OutputKey!, o.OutputValue!]));
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`${StackName} did not settle`);
}

async function destroy(StackName: string): Promise<void> {
  await cfn.send(new CFN.DeleteStackCommand({ StackName }));
  for (let i = 0; i < 600; i++) {
    const s = (await cfn.send(new CFN.DescribeStacksCommand({ StackName })).catch(() => undefined))?.Stacks?.[0];
    if (!s || s.StackStatus === 'DELETE_COMPLETE') return;
    if (s.StackStatus === 'DELETE_FAILED') throw new Error(`${StackName}: ${s.StackStatusReason}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const FUNCTION = `
  Role:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: '2012-10-17'
        Statement:
          - Effect: Allow
            Principal: { Service: [lambda.amazonaws.com] }
            Action: sts:AssumeRole
  Fn:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: nodejs20.x
      Handler: index.handler
      Role: !GetAtt Role.Arn
      Code:
        ZipFile: |
          exports.handler = async (event) => ({ statusCode: 200, body: 'hello from ' + (event.rawPath || event.path) });`;

describe('CloudFormation providers for the front doors', () => {
  it('deploys a REST API (resource, method, Lambda proxy, permission, deployment, stage) and serves it', async () => {
    const out = await deploy(
      'rest-api',
      `
Resources:${FUNCTION}
  Api:
    Type: AWS::ApiGateway::RestApi
    Properties:
      Name: pets
  Pets:
    Type: AWS::ApiGateway::Resource
    Properties:
      RestApiId: !Ref Api
      ParentId: !GetAtt Api.RootResourceId
      PathPart: pets
  GetPets:
    Type: AWS::ApiGateway::Method
    Properties:
      RestApiId: !Ref Api
      ResourceId: !Ref Pets
      HttpMethod: GET
      AuthorizationType: NONE
      Integration:
        Type: AWS_PROXY
        IntegrationHttpMethod: POST
        Uri: !Sub arn:aws:apigateway:\${AWS::Region}:lambda:path/2015-03-31/functions/\${Fn.Arn}/invocations
  Permission:
    Type: AWS::Lambda::Permission
    Properties:
      FunctionName: !Ref Fn
      Action: lambda:InvokeFunction
      Principal: apigateway.amazonaws.com
      SourceArn: !Sub arn:aws:execute-api:\${AWS::Region}:\${AWS::AccountId}:\${Api}/*/GET/pets
  Deployment:
    Type: AWS::ApiGateway::Deployment
    DependsOn: GetPets
    Properties:
      RestApiId: !Ref Api
  Prod:
    Type: AWS::ApiGateway::Stage
    Properties:
      RestApiId: !Ref Api
      DeploymentId: !Ref Deployment
      StageName: prod
      Variables:
        color: blue
      MethodSettings:
        - ResourcePath: /*
          HttpMethod: '*'
          ThrottlingRateLimit: 100
          ThrottlingBurstLimit: 50
Outputs:
  ApiId:
    Value: !Ref Api
`,
    );
    const r = await fetch(`${emu.url}/_aws/execute-api/${out.ApiId}/prod/pets`);
    expect(r.status).toBe(200);
    expect(await r.text()).toBe('hello from /pets');
    const stage = await new AG.APIGatewayClient(emu.config()).send(new AG.GetStageCommand({ restApiId: out.ApiId, stageName: 'prod' }));
    expect(stage.variables).toEqual({ color: 'blue' });
    expect(stage.methodSettings?.['*/*']).toMatchObject({ throttlingRateLimit: 100, throttlingBurstLimit: 50 });
    await destroy('rest-api');
    expect((await fetch(`${emu.url}/_aws/execute-api/${out.ApiId}/prod/pets`)).status).toBe(404);
  });

  it('deploys a REST API from an OpenAPI Body', async () => {
    const out = await deploy(
      'rest-openapi',
      `
Resources:
  Api:
    Type: AWS::ApiGateway::RestApi
    Properties:
      Name: from-openapi
      Body:
        openapi: 3.0.1
        info: { title: ignored, version: '1' }
        paths:
          /health:
            get:
              x-amazon-apigateway-integration:
                type: mock
                requestTemplates: { application/json: '{"statusCode": 200}' }
                responses:
                  default:
                    statusCode: '200'
                    responseTemplates: { application/json: '{"ok": true}' }
  Deployment:
    Type: AWS::ApiGateway::Deployment
    Properties:
      RestApiId: !Ref Api
      StageName: live
Outputs:
  ApiId:
    Value: !Ref Api
`,
    );
    const r = await fetch(`${emu.url}/_aws/execute-api/${out.ApiId}/live/health`);
    expect(await r.json()).toEqual({ ok: true });
    expect((await new AG.APIGatewayClient(emu.config()).send(new AG.GetRestApiCommand({ restApiId: out.ApiId }))).name).toBe('from-openapi');
  });

  it('deploys an HTTP API (integration, route, auto-deployed stage) and a function URL', async () => {
    const out = await deploy(
      'http-api',
      `
Resources:${FUNCTION}
  Api:
    Type: AWS::ApiGatewayV2::Api
    Properties:
      Name: http
      ProtocolType: HTTP
      CorsConfiguration:
        AllowOrigins: ['*']
        AllowMethods: [GET]
  Integration:
    Type: AWS::ApiGatewayV2::Integration
    Properties:
      ApiId: !Ref Api
      IntegrationType: AWS_PROXY
      IntegrationUri: !GetAtt Fn.Arn
      PayloadFormatVersion: '2.0'
  Route:
    Type: AWS::ApiGatewayV2::Route
    Properties:
      ApiId: !Ref Api
      RouteKey: GET /hello
      Target: !Sub integrations/\${Integration}
  Stage:
    Type: AWS::ApiGatewayV2::Stage
    Properties:
      ApiId: !Ref Api
      StageName: $default
      AutoDeploy: true
  Permission:
    Type: AWS::Lambda::Permission
    Properties:
      FunctionName: !Ref Fn
      Action: lambda:InvokeFunction
      Principal: apigateway.amazonaws.com
  Url:
    Type: AWS::Lambda::Url
    Properties:
      TargetFunctionArn: !GetAtt Fn.Arn
      AuthType: NONE
  UrlPermission:
    Type: AWS::Lambda::Permission
    Properties:
      FunctionName: !Ref Fn
      Action: lambda:InvokeFunctionUrl
      Principal: '*'
      FunctionUrlAuthType: NONE
Outputs:
  ApiId:
    Value: !Ref Api
  Endpoint:
    Value: !GetAtt Api.ApiEndpoint
  FunctionUrl:
    Value: !GetAtt Url.FunctionUrl
`,
    );
    expect(out.Endpoint).toBe(`http://${out.ApiId}.execute-api.localhost:${emu.port}`);
    const r = await fetch(`${emu.url}/_aws/execute-api/${out.ApiId}/hello`);
    expect(await r.text()).toBe('hello from /hello');
    const urlId = new URL(out.FunctionUrl).hostname.split('.')[0];
    expect(await (await fetch(`${emu.url}/_aws/lambda-url/${urlId}/fn`)).text()).toBe('hello from /fn');
    await destroy('http-api');
  });

  it('deploys a CloudFront distribution in front of a bucket, updates and deletes it', async () => {
    const s3 = new S3.S3Client({ ...emu.config(), forcePathStyle: true });
    const template = (comment: string) => `
Resources:
  Bucket:
    Type: AWS::S3::Bucket
  Oac:
    Type: AWS::CloudFront::OriginAccessControl
    Properties:
      OriginAccessControlConfig:
        Name: site-oac
        OriginAccessControlOriginType: s3
        SigningBehavior: always
        SigningProtocol: sigv4
  Cdn:
    Type: AWS::CloudFront::Distribution
    Properties:
      DistributionConfig:
        Enabled: true
        Comment: ${comment}
        DefaultRootObject: index.html
        Origins:
          - Id: site
            DomainName: !GetAtt Bucket.RegionalDomainName
            S3OriginConfig: {}
            OriginAccessControlId: !GetAtt Oac.Id
        DefaultCacheBehavior:
          TargetOriginId: site
          ViewerProtocolPolicy: redirect-to-https
          CachePolicyId: 658327ea-f89d-4fab-a63d-7e88639e58f6
  BucketPolicy:
    Type: AWS::S3::BucketPolicy
    Properties:
      Bucket: !Ref Bucket
      PolicyDocument:
        Version: '2012-10-17'
        Statement:
          - Effect: Allow
            Principal: { Service: cloudfront.amazonaws.com }
            Action: s3:GetObject
            Resource: !Sub \${Bucket.Arn}/*
            Condition:
              StringEquals:
                AWS:SourceArn: !Sub arn:aws:cloudfront::\${AWS::AccountId}:distribution/\${Cdn}
Outputs:
  Id:
    Value: !Ref Cdn
  Domain:
    Value: !GetAtt Cdn.DomainName
  Bucket:
    Value: !Ref Bucket
`;
    const out = await deploy('cdn', template('first'));
    expect(out.Domain).toMatch(/^d[a-z0-9]{13}\.cloudfront\.net$/);
    await s3.send(new S3.PutObjectCommand({ Bucket: out.Bucket, Key: 'index.html', Body: '<p>site</p>', ContentType: 'text/html' }));
    const r = await fetch(`${emu.url}/_aws/cloudfront/${out.Id}/`);
    expect(r.status).toBe(200);
    expect(await r.text()).toBe('<p>site</p>');
    await deploy('cdn', template('second'), true);
    const cf = new CF.CloudFrontClient(emu.config());
    expect((await cf.send(new CF.GetDistributionConfigCommand({ Id: out.Id }))).DistributionConfig!.Comment).toBe('second');
    await s3.send(new S3.DeleteObjectCommand({ Bucket: out.Bucket, Key: 'index.html' }));
    await destroy('cdn');
    await expect(cf.send(new CF.GetDistributionCommand({ Id: out.Id }))).rejects.toMatchObject({ name: 'NoSuchDistribution' });
  });
});
