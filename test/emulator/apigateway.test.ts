import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as AG from '@aws-sdk/client-api-gateway';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator.js';
import { expectSameShape, plainOutput, snapshot } from '../helpers/snapshots.js';

const SNAP = 'apigateway__test_apigateway_api.snapshot.json';
let emu: TestEmulator;
let ag: AG.APIGatewayClient;

beforeAll(async () => {
  emu = await startTestEmulator();
  ag = new AG.APIGatewayClient(emu.config());
});
afterAll(() => emu?.close());

/** The snapshots write dates as the word "datetime": so do ours, for comparison. */
const shape = (v: unknown): unknown => JSON.parse(JSON.stringify(plainOutput(v), (_k, x) => (typeof x === 'string' && /^\d{4}-\d\d-\d\dT[\d:.]+Z$/.test(x) ? 'datetime' : x)));

const err = (p: Promise<unknown>) => p.then(() => undefined, (e: { name: string; message: string; $metadata: { httpStatusCode: number } }) => e);

describe('REST APIs', () => {
  it('CreateRestApi, GetRestApi(s), DeleteRestApi with AWS shapes and errors', async () => {
    const a = await ag.send(new AG.CreateRestApiCommand({ name: 'one', description: 'this is my api' }));
    expect(a.$metadata.httpStatusCode).toBe(201);
    expectSameShape(shape(a), snapshot(SNAP, 'test_list_and_delete_apis', 'create-rest-api-1'));
    expect(a.id).toMatch(/^[a-z0-9]{10}$/);
    const tagged = await ag.send(new AG.CreateRestApiCommand({ name: 'two', description: 'this is my api', tags: { MY_TAG1: 'MY_VALUE1' } }));
    const list = await ag.send(new AG.GetRestApisCommand({}));
    expect(list.items!.map((x) => x.id)).toEqual(expect.arrayContaining([a.id, tagged.id]));
    expectSameShape(shape(list.items!.find((x) => x.id === tagged.id)), (snapshot(SNAP, 'test_create_rest_api_with_tags', 'get-rest-apis-w-tags').items as unknown[])[0]);
    const regional = await ag.send(new AG.CreateRestApiCommand({ name: 'r', endpointConfiguration: { types: ['REGIONAL'] } }));
    expect(regional.endpointConfiguration).toEqual({ ipAddressType: 'ipv4', types: ['REGIONAL'] });
    const priv = await ag.send(new AG.CreateRestApiCommand({ name: 'p', endpointConfiguration: { types: ['PRIVATE'] } }));
    expect(priv.endpointConfiguration?.ipAddressType).toBe('dualstack');

    const empty = await err(ag.send(new AG.CreateRestApiCommand({ name: 'x', description: '' })));
    expect(empty).toMatchObject({ name: 'BadRequestException', message: 'Description cannot be an empty string', $metadata: { httpStatusCode: 400 } });
    await ag.send(new AG.DeleteRestApiCommand({ restApiId: a.id }));
    const gone = await err(ag.send(new AG.GetRestApiCommand({ restApiId: a.id })));
    expect(gone).toMatchObject({ name: 'NotFoundException', message: `Invalid API identifier specified 000000000000:${a.id}`, $metadata: { httpStatusCode: 404 } });
  });

  it('UpdateRestApi applies patch operations and refuses bad paths', async () => {
    const a = await ag.send(new AG.CreateRestApiCommand({ name: 'patchy', description: 'this is my api' }));
    const added = await ag.send(
      new AG.UpdateRestApiCommand({ restApiId: a.id, patchOperations: [{ op: 'add', path: '/binaryMediaTypes/image~1png' }, { op: 'add', path: '/binaryMediaTypes/image~1jpeg' }] }),
    );
    expect(added.binaryMediaTypes).toEqual(['image/png', 'image/jpeg']);
    expectSameShape(shape(added), snapshot(SNAP, 'test_update_rest_api_operation_add_remove', 'update-rest-api-add'));
    const removed = await ag.send(
      new AG.UpdateRestApiCommand({ restApiId: a.id, patchOperations: [{ op: 'remove', path: '/binaryMediaTypes/image~1png' }, { op: 'replace', path: '/description', value: '' }] }),
    );
    expect(removed.binaryMediaTypes).toEqual(['image/jpeg']);
    expect(removed.description).toBeUndefined();
    expect(await err(ag.send(new AG.UpdateRestApiCommand({ restApiId: a.id, patchOperations: [{ op: 'add', path: '/binaryMediaTypes' }] })))).toMatchObject({
      name: 'BadRequestException',
      message: 'Invalid patch path /binaryMediaTypes',
    });
    expect(await err(ag.send(new AG.UpdateRestApiCommand({ restApiId: 'api_id', patchOperations: [] })))).toMatchObject({
      name: 'NotFoundException',
      message: 'Invalid API identifier specified 000000000000:api_id',
    });
  });
});

describe('resources and methods', () => {
  it('keeps the resource tree with AWS shapes, rules for proxy resources, cycles and conflicts', async () => {
    const a = await ag.send(new AG.CreateRestApiCommand({ name: 'tree' }));
    const root = await ag.send(new AG.GetResourcesCommand({ restApiId: a.id }));
    expectSameShape(shape(root), snapshot(SNAP, 'test_resource_lifecycle', 'rest-api-root-resource'));
    const pets = await ag.send(new AG.CreateResourceCommand({ restApiId: a.id, parentId: a.rootResourceId, pathPart: 'pets' }));
    expect(pets.$metadata.httpStatusCode).toBe(201);
    expectSameShape(shape(pets), snapshot(SNAP, 'test_resource_lifecycle', 'create-resource'));
    const sub = await ag.send(new AG.CreateResourceCommand({ restApiId: a.id, parentId: pets.id, pathPart: 'subpets' }));
    expect(sub.path).toBe('/pets/subpets');
    expectSameShape(shape(await ag.send(new AG.GetResourcesCommand({ restApiId: a.id }))), snapshot(SNAP, 'test_resource_lifecycle', 'rest-api-resources-after-create-sub'));
    const renamed = await ag.send(new AG.UpdateResourceCommand({ restApiId: a.id, resourceId: pets.id, patchOperations: [{ op: 'replace', path: '/pathPart', value: 'dogs' }] }));
    expect(renamed.path).toBe('/dogs');
    expect((await ag.send(new AG.GetResourceCommand({ restApiId: a.id, resourceId: sub.id }))).path).toBe('/dogs/subpets');
    expect(await err(ag.send(new AG.UpdateResourceCommand({ restApiId: a.id, resourceId: pets.id, patchOperations: [{ op: 'replace', path: '/parentId', value: sub.id }] })))).toMatchObject({
      name: 'BadRequestException',
      message: 'Resources cannot be cyclical.',
    });
    expect(await err(ag.send(new AG.CreateResourceCommand({ restApiId: a.id, parentId: a.rootResourceId, pathPart: 'dogs' })))).toMatchObject({
      name: 'ConflictException',
      message: 'Another resource with the same parent already has this name: dogs',
      $metadata: { httpStatusCode: 409 },
    });
    expect(await err(ag.send(new AG.CreateResourceCommand({ restApiId: a.id, parentId: 'nope', pathPart: 'x' })))).toMatchObject({
      name: 'NotFoundException',
      message: 'Invalid Resource identifier specified',
    });
    const proxy = await ag.send(new AG.CreateResourceCommand({ restApiId: a.id, parentId: a.rootResourceId, pathPart: '{proxy+}' }));
    expect(await err(ag.send(new AG.CreateResourceCommand({ restApiId: a.id, parentId: a.rootResourceId, pathPart: '{id}' })))).toMatchObject({
      message: 'A sibling ({proxy+}) of this resource already has a variable path part -- only one is allowed',
    });
    expect(await err(ag.send(new AG.CreateResourceCommand({ restApiId: a.id, parentId: proxy.id, pathPart: 'x' })))).toMatchObject({
      message: 'Cannot create a child of a resource with a greedy path variable: {proxy+}',
    });
    await ag.send(new AG.DeleteResourceCommand({ restApiId: a.id, resourceId: pets.id }));
    const left = await ag.send(new AG.GetResourcesCommand({ restApiId: a.id }));
    expect(left.items!.map((r) => r.path).sort()).toEqual(['/', '/{proxy+}']);
  });

  it('PutMethod, UpdateMethod, method and integration responses, with AWS validation', async () => {
    const a = await ag.send(new AG.CreateRestApiCommand({ name: 'methods' }));
    const r = a.rootResourceId!;
    const m = await ag.send(new AG.PutMethodCommand({ restApiId: a.id, resourceId: r, httpMethod: 'ANY', authorizationType: 'NONE' }));
    expectSameShape(shape(m), snapshot(SNAP, 'test_method_lifecycle', 'put-base-method-response'));
    expect(await err(ag.send(new AG.PutMethodCommand({ restApiId: a.id, resourceId: r, httpMethod: 'WRONG', authorizationType: 'NONE' })))).toMatchObject({
      message: 'Invalid HttpMethod specified. Valid options are GET,PUT,POST,DELETE,PATCH,OPTIONS,HEAD,ANY',
    });
    expect(await err(ag.send(new AG.PutMethodCommand({ restApiId: a.id, resourceId: r, httpMethod: 'GET', authorizationType: 'CUSTOM' })))).toMatchObject({
      message: 'Invalid authorizer ID specified. Setting the authorization type to CUSTOM or COGNITO_USER_POOLS requires a valid authorizer.',
    });
    expect(await err(ag.send(new AG.UpdateMethodCommand({ restApiId: a.id, resourceId: r, httpMethod: 'ANY', patchOperations: [{ op: 'add', path: '/apiKeyRequired', value: 'true' }] })))).toMatchObject({
      message: 'Invalid patch operation specified. Must be one of: [replace]',
    });
    const updated = await ag.send(
      new AG.UpdateMethodCommand({
        restApiId: a.id,
        resourceId: r,
        httpMethod: 'ANY',
        patchOperations: [
          { op: 'replace', path: '/apiKeyRequired', value: 'true' },
          { op: 'replace', path: '/operationName', value: 'Op' },
          { op: 'add', path: '/requestParameters/method.request.querystring.optional', value: 'false' },
        ],
      }),
    );
    expect(updated).toMatchObject({ apiKeyRequired: true, operationName: 'Op', requestParameters: { 'method.request.querystring.optional': false } });

    expect(await err(ag.send(new AG.GetIntegrationCommand({ restApiId: a.id, resourceId: r, httpMethod: 'ANY' })))).toMatchObject({
      name: 'NotFoundException',
      message: 'Invalid Integration identifier specified',
    });
    const wrongType = await err(ag.send(new AG.PutIntegrationCommand({ restApiId: a.id, resourceId: r, httpMethod: 'ANY', type: 'HTTPS_PROXY' as never })));
    expect(wrongType).toMatchObject({ name: 'ValidationException', $metadata: { httpStatusCode: 400 } });
    expect((wrongType as { message: string }).message).toBe(
      "1 validation error detected: Value 'HTTPS_PROXY' at 'putIntegrationInput.type' failed to satisfy constraint: Member must satisfy enum value set: [HTTP, MOCK, AWS_PROXY, HTTP_PROXY, AWS]",
    );
    expect(
      await err(ag.send(new AG.PutIntegrationCommand({ restApiId: a.id, resourceId: r, httpMethod: 'ANY', type: 'AWS_PROXY', integrationHttpMethod: 'POST', uri: 'arn:aws:lambda:us-east-1:000000000000:function:f' }))),
    ).toMatchObject({ message: 'AWS ARN for integration must contain path or action' });
    const integ = await ag.send(new AG.PutIntegrationCommand({ restApiId: a.id, resourceId: r, httpMethod: 'ANY', type: 'MOCK', requestTemplates: { 'application/json': '{"statusCode": 200}' } }));
    expect(integ).toMatchObject({ type: 'MOCK', passthroughBehavior: 'WHEN_NO_MATCH', timeoutInMillis: 29000, cacheKeyParameters: [], cacheNamespace: r });
    const ir = await ag.send(
      new AG.PutIntegrationResponseCommand({ restApiId: a.id, resourceId: r, httpMethod: 'ANY', statusCode: '200', selectionPattern: '', responseTemplates: { 'application/json': '"created"' } }),
    );
    expectSameShape(shape(ir), snapshot(SNAP, 'test_lifecycle_integration_response', 'put-integration-response'));
    const mr = await ag.send(new AG.PutMethodResponseCommand({ restApiId: a.id, resourceId: r, httpMethod: 'ANY', statusCode: '200', responseModels: {}, responseParameters: {} }));
    expectSameShape(shape(mr), snapshot(SNAP, 'test_lifecycle_method_response', 'put-method-response'));
    expect(await err(ag.send(new AG.GetMethodResponseCommand({ restApiId: a.id, resourceId: r, httpMethod: 'ANY', statusCode: 'wrong' })))).toMatchObject({
      name: 'ValidationException',
      message: "1 validation error detected: Value 'wrong' at 'statusCode' failed to satisfy constraint: Member must satisfy regular expression pattern: [1-5]\\d\\d",
    });
    const method = await ag.send(new AG.GetMethodCommand({ restApiId: a.id, resourceId: r, httpMethod: 'ANY' }));
    expect(method.methodIntegration?.integrationResponses?.['200']).toMatchObject({ statusCode: '200', responseTemplates: { 'application/json': '"created"' } });
    expect(method.methodResponses?.['200']).toMatchObject({ statusCode: '200' });
    await ag.send(new AG.DeleteMethodCommand({ restApiId: a.id, resourceId: r, httpMethod: 'ANY' }));
    expect(await err(ag.send(new AG.GetMethodCommand({ restApiId: a.id, resourceId: r, httpMethod: 'ANY' })))).toMatchObject({ message: 'Invalid Method identifier specified' });
  });
});

describe('deployments, stages, authorizers, keys and plans', () => {
  it('deploys, keeps stages with variables and method settings, and shapes them as AWS does', async () => {
    const a = await ag.send(new AG.CreateRestApiCommand({ name: 'deploy' }));
    expect(await err(ag.send(new AG.CreateDeploymentCommand({ restApiId: a.id })))).toMatchObject({ name: 'BadRequestException', message: "The REST API doesn't contain any methods" });
    await ag.send(new AG.PutMethodCommand({ restApiId: a.id, resourceId: a.rootResourceId, httpMethod: 'GET', authorizationType: 'NONE' }));
    expect(await err(ag.send(new AG.CreateDeploymentCommand({ restApiId: a.id })))).toMatchObject({ message: 'No integration defined for method' });
    await ag.send(new AG.PutIntegrationCommand({ restApiId: a.id, resourceId: a.rootResourceId, httpMethod: 'GET', type: 'MOCK' }));
    const d1 = await ag.send(new AG.CreateDeploymentCommand({ restApiId: a.id }));
    expectSameShape(shape(d1), snapshot(SNAP, 'test_stage_access_log_settings', 'create-deployment'));
    const d2 = await ag.send(new AG.CreateDeploymentCommand({ restApiId: a.id }));
    await ag.send(new AG.CreateStageCommand({ restApiId: a.id, stageName: 'stage1', deploymentId: d1.id }));
    await ag.send(new AG.CreateStageCommand({ restApiId: a.id, stageName: 'stage2', deploymentId: d2.id }));
    expectSameShape(shape(await ag.send(new AG.GetStagesCommand({ restApiId: a.id }))), snapshot(SNAP, 'test_get_stages_filters_by_deployment_id', 'all-stages'));
    expect((await ag.send(new AG.GetStagesCommand({ restApiId: a.id, deploymentId: d2.id }))).item!.map((s) => s.stageName)).toEqual(['stage2']);
    expect(await err(ag.send(new AG.CreateStageCommand({ restApiId: a.id, stageName: 'stage1', deploymentId: d1.id })))).toMatchObject({ name: 'ConflictException' });
    const s = await ag.send(
      new AG.UpdateStageCommand({
        restApiId: a.id,
        stageName: 'stage1',
        patchOperations: [
          { op: 'replace', path: '/variables/fn', value: 'hello' },
          { op: 'replace', path: '/*/*/throttling/rateLimit', value: '10' },
          { op: 'replace', path: '/*/*/throttling/burstLimit', value: '2' },
        ],
      }),
    );
    expect(s.variables).toEqual({ fn: 'hello' });
    expect(s.methodSettings?.['*/*']).toMatchObject({ throttlingRateLimit: 10, throttlingBurstLimit: 2 });
    expect(await err(ag.send(new AG.DeleteDeploymentCommand({ restApiId: a.id, deploymentId: d1.id })))).toMatchObject({
      message: 'Active stages pointing to this deployment must be moved or deleted',
    });
  });

  it('authorizers: Lambda TOKEN and REQUEST, Cognito user pools, with AWS errors', async () => {
    const a = await ag.send(new AG.CreateRestApiCommand({ name: 'auth' }));
    const uri = 'arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:000000000000:function:authz/invocations';
    const t = await ag.send(new AG.CreateAuthorizerCommand({ restApiId: a.id, name: 'tok', type: 'TOKEN', authorizerUri: uri, identitySource: 'method.request.header.Authorization' }));
    expect(t).toMatchObject({ name: 'tok', type: 'TOKEN', authorizerResultTtlInSeconds: 300 });
    const c = await ag.send(
      new AG.CreateAuthorizerCommand({ restApiId: a.id, name: 'pool', type: 'COGNITO_USER_POOLS', providerARNs: ['arn:aws:cognito-idp:us-east-1:000000000000:userpool/us-east-1_abc'], identitySource: 'method.request.header.Authorization' }),
    );
    expect((await ag.send(new AG.GetAuthorizersCommand({ restApiId: a.id }))).items!.map((x) => x.id)).toEqual([t.id, c.id]);
    const u = await ag.send(new AG.UpdateAuthorizerCommand({ restApiId: a.id, authorizerId: t.id, patchOperations: [{ op: 'replace', path: '/authorizerResultTtlInSeconds', value: '0' }] }));
    expect(u.authorizerResultTtlInSeconds).toBe(0);
    expect(await err(ag.send(new AG.CreateAuthorizerCommand({ restApiId: 'test-fake-rest-id', name: 'x', type: 'TOKEN', authorizerUri: uri, identitySource: 'method.request.header.A' })))).toMatchObject(
      { name: 'ConflictException', message: 'Unable to complete operation due to concurrent modification. Please try again later.', $metadata: { httpStatusCode: 409 } },
    );
    expect(await err(ag.send(new AG.GetAuthorizersCommand({ restApiId: 'test-fake-rest-id' })))).toMatchObject({ message: 'Invalid API identifier specified 000000000000:test-fake-rest-id' });
  });

  it('API keys, usage plans and usage plan keys', async () => {
    const a = await ag.send(new AG.CreateRestApiCommand({ name: 'keys' }));
    await ag.send(new AG.PutMethodCommand({ restApiId: a.id, resourceId: a.rootResourceId, httpMethod: 'GET', authorizationType: 'NONE' }));
    await ag.send(new AG.PutIntegrationCommand({ restApiId: a.id, resourceId: a.rootResourceId, httpMethod: 'GET', type: 'MOCK' }));
    await ag.send(new AG.CreateDeploymentCommand({ restApiId: a.id, stageName: 'prod' }));
    const k = await ag.send(new AG.CreateApiKeyCommand({ name: 'k1', enabled: true }));
    expect(k.value).toHaveLength(40);
    expect((await ag.send(new AG.GetApiKeyCommand({ apiKey: k.id }))).value).toBeUndefined();
    expect((await ag.send(new AG.GetApiKeyCommand({ apiKey: k.id, includeValue: true }))).value).toBe(k.value);
    expect(await err(ag.send(new AG.CreateUsagePlanCommand({ name: 'bad', apiStages: [{ apiId: a.id, stage: 'nope' }] })))).toMatchObject({
      message: `Invalid API Stage {api: ${a.id}, stage: nope} specified for usageplan`,
    });
    const p = await ag.send(new AG.CreateUsagePlanCommand({ name: 'plan', apiStages: [{ apiId: a.id, stage: 'prod' }], throttle: { rateLimit: 1, burstLimit: 1 }, quota: { limit: 100, period: 'DAY' } }));
    expect(p).toMatchObject({ name: 'plan', apiStages: [{ apiId: a.id, stage: 'prod' }], quota: { limit: 100, offset: 0, period: 'DAY' } });
    const pk = await ag.send(new AG.CreateUsagePlanKeyCommand({ usagePlanId: p.id, keyId: k.id, keyType: 'API_KEY' }));
    expect(pk).toMatchObject({ id: k.id, type: 'API_KEY', value: k.value, name: 'k1' });
    expect((await ag.send(new AG.GetUsagePlansCommand({ keyId: k.id }))).items!.map((x) => x.id)).toEqual([p.id]);
    const today = new Date().toISOString().slice(0, 10);
    const usage = await ag.send(new AG.GetUsageCommand({ usagePlanId: p.id, startDate: today, endDate: today }));
    expect(usage.items).toEqual({ [k.id!]: [[0, 100]] });
  });

  it('ImportRestApi and PutRestApi read an OpenAPI body with API Gateway extensions', async () => {
    const doc = {
      openapi: '3.0.1',
      info: { title: 'PetStore', version: '1.0', description: 'imported' },
      paths: {
        '/pets/{petId}': {
          get: {
            parameters: [{ name: 'petId', in: 'path', required: true }],
            security: [{ tok: [] }, { api_key: [] }],
            responses: { '200': { description: 'ok', headers: { 'X-Rate': { schema: { type: 'string' } } } } },
            'x-amazon-apigateway-integration': {
              type: 'aws_proxy',
              httpMethod: 'POST',
              uri: 'arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:000000000000:function:pets/invocations',
            },
          },
        },
      },
      components: {
        securitySchemes: {
          api_key: { type: 'apiKey', name: 'x-api-key', in: 'header' },
          tok: {
            type: 'apiKey',
            name: 'Authorization',
            in: 'header',
            'x-amazon-apigateway-authtype': 'custom',
            'x-amazon-apigateway-authorizer': {
              type: 'token',
              authorizerUri: 'arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:000000000000:function:authz/invocations',
              authorizerResultTtlInSeconds: 60,
            },
          },
        },
        schemas: { Pet: { type: 'object', properties: { id: { type: 'integer' } } } },
      },
      'x-amazon-apigateway-binary-media-types': ['image/png'],
    };
    const api = await ag.send(new AG.ImportRestApiCommand({ body: new TextEncoder().encode(JSON.stringify(doc)) }));
    expect(api).toMatchObject({ name: 'PetStore', description: 'imported', version: '1.0', binaryMediaTypes: ['image/png'] });
    const resources = await ag.send(new AG.GetResourcesCommand({ restApiId: api.id, embed: ['methods'] }));
    const pet = resources.items!.find((r) => r.path === '/pets/{petId}')!;
    const get = pet.resourceMethods!.GET;
    expect(get).toMatchObject({
      authorizationType: 'CUSTOM',
      apiKeyRequired: true,
      requestParameters: { 'method.request.path.petId': true },
      methodResponses: { '200': { statusCode: '200', responseParameters: { 'method.response.header.X-Rate': false } } },
      methodIntegration: { type: 'AWS_PROXY', httpMethod: 'POST' },
    });
    const authorizers = await ag.send(new AG.GetAuthorizersCommand({ restApiId: api.id }));
    expect(authorizers.items).toEqual([expect.objectContaining({ name: 'tok', type: 'TOKEN', identitySource: 'method.request.header.Authorization', authorizerResultTtlInSeconds: 60 })]);
    expect((await ag.send(new AG.GetModelsCommand({ restApiId: api.id }))).items!.map((m) => m.name)).toEqual(['Pet']);

    // PutRestApi in overwrite mode replaces the API's resources with the new document's.
    const yaml = `swagger: "2.0"\ninfo:\n  title: Replaced\npaths:\n  /health:\n    get:\n      x-amazon-apigateway-integration:\n        type: mock\n        requestTemplates:\n          application/json: '{"statusCode": 200}'\n        responses:\n          default:\n            statusCode: "200"\n`;
    const put = await ag.send(new AG.PutRestApiCommand({ restApiId: api.id, mode: 'overwrite', body: new TextEncoder().encode(yaml) }));
    expect(put.name).toBe('Replaced');
    const after = await ag.send(new AG.GetResourcesCommand({ restApiId: api.id }));
    expect(after.items!.map((r) => r.path).sort()).toEqual(['/', '/health']);
    expect(await err(ag.send(new AG.ImportRestApiCommand({ body: new TextEncoder().encode('{"nope": 1}') })))).toMatchObject({ name: 'BadRequestException' });
  });

  it('tags REST APIs and stages by ARN', async () => {
    const a = await ag.send(new AG.CreateRestApiCommand({ name: 'tags' }));
    const arn = `arn:aws:apigateway:us-east-1::/restapis/${a.id}`;
    await ag.send(new AG.TagResourceCommand({ resourceArn: arn, tags: { team: 'web', env: 'dev' } }));
    await ag.send(new AG.UntagResourceCommand({ resourceArn: arn, tagKeys: ['env'] }));
    expect((await ag.send(new AG.GetTagsCommand({ resourceArn: arn }))).tags).toEqual({ team: 'web' });
    expect((await ag.send(new AG.GetRestApiCommand({ restApiId: a.id }))).tags).toEqual({ team: 'web' });
  });
});
