import type {
  CreateDeploymentRequest,
  DeleteDeploymentRequest,
  Deployment,
  Deployments,
  GetDeploymentRequest,
  GetDeploymentsRequest,
  UpdateDeploymentRequest,
} from '@aws-sdk/client-api-gateway';
import { operation } from '../../core/service.js';
import type { DeploymentRecord, RestApiRecord } from './state.js';
import { applyPatches, badRequest, date, invalidPatchPath, newId, notFound, nowIso, page, restApiOf, unsupportedPatchOp, type Ctx } from './common.js';
import { putStage } from './stages.js';

export const toDeployment = (d: DeploymentRecord): Deployment => ({ id: d.id, description: d.description, createdDate: date(d.createdDate) });

export function deploymentOf(api: RestApiRecord, id: string | undefined): DeploymentRecord {
  const d = id ? api.deployments[id] : undefined;
  if (!d) throw notFound('Invalid Deployment identifier specified');
  return d;
}

/** Takes a copy of the API as it is now: what its stages will serve until the next deployment. */
export function deploy(ctx: Ctx, api: RestApiRecord, description?: string): DeploymentRecord {
  const methods = Object.values(api.resources).flatMap((r) => Object.values(r.methods));
  if (!methods.length) throw badRequest("The REST API doesn't contain any methods");
  if (methods.some((m) => !m.methodIntegration)) throw badRequest('No integration defined for method');
  const d: DeploymentRecord = { id: newId(6), description, createdDate: nowIso(ctx), resources: JSON.parse(JSON.stringify(api.resources)) };
  api.deployments[d.id] = d;
  return d;
}

export const CreateDeployment = operation<CreateDeploymentRequest, Deployment>({
  handler(input, ctx) {
    const api = restApiOf(ctx, input.restApiId);
    const d = deploy(ctx, api, input.description);
    if (input.stageName) {
      putStage(ctx, api, {
        stageName: input.stageName,
        deploymentId: d.id,
        description: input.stageDescription,
        cacheClusterEnabled: input.cacheClusterEnabled,
        cacheClusterSize: input.cacheClusterSize,
        variables: input.variables,
        tracingEnabled: input.tracingEnabled,
      });
    }
    return toDeployment(d);
  },
});

export const GetDeployment = operation<GetDeploymentRequest, Deployment>({
  handler: (input, ctx) => toDeployment(deploymentOf(restApiOf(ctx, input.restApiId), input.deploymentId)),
});

export const GetDeployments = operation<GetDeploymentsRequest, Deployments>({
  handler(input, ctx) {
    const api = restApiOf(ctx, input.restApiId);
    const p = page(Object.values(api.deployments), input.position, input.limit);
    return { items: p.items.map(toDeployment), position: p.position };
  },
});

export const UpdateDeployment = operation<UpdateDeploymentRequest, Deployment>({
  handler(input, ctx) {
    const d = deploymentOf(restApiOf(ctx, input.restApiId), input.deploymentId);
    applyPatches(input.patchOperations, (p) => {
      if (p.path !== '/description') throw invalidPatchPath(p.path);
      if (p.op !== 'replace') throw unsupportedPatchOp(p.path, p.op);
      d.description = p.value || undefined;
    });
    return toDeployment(d);
  },
});

export const DeleteDeployment = operation<DeleteDeploymentRequest, Record<string, never>>({
  handler(input, ctx) {
    const api = restApiOf(ctx, input.restApiId);
    const d = deploymentOf(api, input.deploymentId);
    if (Object.values(api.stages).some((s) => s.deploymentId === d.id)) {
      throw badRequest('Active stages pointing to this deployment must be moved or deleted');
    }
    delete api.deployments[d.id];
    return {};
  },
});
