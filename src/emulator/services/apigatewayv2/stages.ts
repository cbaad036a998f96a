import type {
  CreateDeploymentRequest,
  CreateDeploymentResponse,
  CreateStageRequest,
  CreateStageResponse,
  DeleteDeploymentRequest,
  DeleteStageRequest,
  Deployment,
  GetDeploymentRequest,
  GetDeploymentResponse,
  GetDeploymentsRequest,
  GetDeploymentsResponse,
  GetStageRequest,
  GetStageResponse,
  GetStagesRequest,
  GetStagesResponse,
  Stage,
  UpdateStageRequest,
  UpdateStageResponse,
} from '@aws-sdk/client-apigatewayv2';
import { operation } from '../../core/service.js';
import type { DeploymentRecord, HttpApiRecord, StageRecord } from './state.js';
import { apiOf, autoDeploy, badRequest, conflict, date, deploy, notFound, nowIso, page } from './common.js';

export function toStage(s: StageRecord): Stage {
  return {
    StageName: s.StageName,
    AccessLogSettings: s.AccessLogSettings,
    ApiGatewayManaged: s.ApiGatewayManaged,
    AutoDeploy: s.AutoDeploy,
    CreatedDate: date(s.CreatedDate),
    DefaultRouteSettings: s.DefaultRouteSettings,
    DeploymentId: s.DeploymentId,
    Description: s.Description,
    LastDeploymentStatusMessage: s.LastDeploymentStatusMessage,
    LastUpdatedDate: date(s.LastUpdatedDate),
    RouteSettings: s.RouteSettings,
    StageVariables: s.StageVariables,
    Tags: s.Tags,
  };
}

export const toDeployment = (d: DeploymentRecord): Deployment => ({
  AutoDeployed: d.AutoDeployed,
  CreatedDate: date(d.CreatedDate),
  DeploymentId: d.DeploymentId,
  DeploymentStatus: 'DEPLOYED',
  Description: d.Description,
});

export function stageOf(api: HttpApiRecord, name: string | undefined): StageRecord {
  const s = name ? api.stages[name] : undefined;
  if (!s) throw notFound(`Invalid stage identifier specified ${name}`, 'Stage');
  return s;
}

function deploymentOf(api: HttpApiRecord, id: string | undefined): DeploymentRecord {
  const d = id ? api.deployments[id] : undefined;
  if (!d) throw notFound(`Invalid Deployment identifier specified ${id}`, 'Deployment');
  return d;
}

export const CreateStage = operation<CreateStageRequest, CreateStageResponse>({
  handler(input, ctx) {
    const api = apiOf(ctx, input.ApiId);
    const name = input.StageName ?? '';
    if (name !== '$default' && !/^[a-zA-Z0-9_-]{1,128}$/.test(name)) throw badRequest('Stage name only allows a-zA-Z0-9_- (or $default)');
    if (api.stages[name]) throw conflict(`Stage ${name} already exists`);
    if (input.DeploymentId) deploymentOf(api, input.DeploymentId);
    if (input.AutoDeploy && input.DeploymentId) throw badRequest('A stage with AutoDeploy cannot be given a DeploymentId');
    const now = nowIso(ctx);
    const s: StageRecord = {
      StageName: name,
      AutoDeploy: input.AutoDeploy ?? false,
      DeploymentId: input.DeploymentId,
      Description: input.Description,
      DefaultRouteSettings: { DetailedMetricsEnabled: false, ...(input.DefaultRouteSettings ?? {}) },
      RouteSettings: { ...(input.RouteSettings ?? {}) },
      StageVariables: { ...(input.StageVariables ?? {}) },
      AccessLogSettings: input.AccessLogSettings,
      Tags: { ...(input.Tags ?? {}) },
      CreatedDate: now,
      LastUpdatedDate: now,
    };
    api.stages[name] = s;
    if (s.AutoDeploy) autoDeploy(ctx, api);
    return toStage(s);
  },
});

export const GetStage = operation<GetStageRequest, GetStageResponse>({
  handler: (input, ctx) => toStage(stageOf(apiOf(ctx, input.ApiId), input.StageName)),
});

export const GetStages = operation<GetStagesRequest, GetStagesResponse>({
  handler(input, ctx) {
    const p = page(Object.values(apiOf(ctx, input.ApiId).stages), input.NextToken, input.MaxResults);
    return { Items: p.Items.map(toStage), NextToken: p.NextToken };
  },
});

export const UpdateStage = operation<UpdateStageRequest, UpdateStageResponse>({
  handler(input, ctx) {
    const api = apiOf(ctx, input.ApiId);
    const s = stageOf(api, input.StageName);
    if (input.DeploymentId !== undefined) {
      deploymentOf(api, input.DeploymentId);
      if (input.AutoDeploy ?? s.AutoDeploy) throw badRequest('A stage with AutoDeploy cannot be given a DeploymentId');
      s.DeploymentId = input.DeploymentId;
    }
    if (input.Description !== undefined) s.Description = input.Description || undefined;
    if (input.DefaultRouteSettings !== undefined) s.DefaultRouteSettings = { ...s.DefaultRouteSettings, ...input.DefaultRouteSettings };
    if (input.RouteSettings !== undefined) s.RouteSettings = { ...s.RouteSettings, ...input.RouteSettings };
    if (input.StageVariables !== undefined) s.StageVariables = { ...s.StageVariables, ...input.StageVariables };
    if (input.AccessLogSettings !== undefined) s.AccessLogSettings = input.AccessLogSettings;
    const turnedOn = input.AutoDeploy === true && !s.AutoDeploy;
    if (input.AutoDeploy !== undefined) s.AutoDeploy = input.AutoDeploy;
    s.LastUpdatedDate = nowIso(ctx);
    if (turnedOn) autoDeploy(ctx, api);
    return toStage(s);
  },
});

export const DeleteStage = operation<DeleteStageRequest, Record<string, never>>({
  handler(input, ctx) {
    const api = apiOf(ctx, input.ApiId);
    stageOf(api, input.StageName);
    delete api.stages[input.StageName!];
    return {};
  },
});

// ---- deployments ----

export const CreateDeployment = operation<CreateDeploymentRequest, CreateDeploymentResponse>({
  handler(input, ctx) {
    const api = apiOf(ctx, input.ApiId);
    const stage = input.StageName !== undefined ? stageOf(api, input.StageName) : undefined;
    if (stage?.AutoDeploy) throw badRequest(`Stage ${stage.StageName} has AutoDeploy on: it is deployed automatically`);
    if (!Object.keys(api.routes).length) throw badRequest('Unable to deploy API because no routes exist in this API');
    const d = deploy(ctx, api, input.Description, false);
    if (stage) {
      stage.DeploymentId = d.DeploymentId;
      stage.LastUpdatedDate = d.CreatedDate;
    }
    return toDeployment(d);
  },
});

export const GetDeployment = operation<GetDeploymentRequest, GetDeploymentResponse>({
  handler: (input, ctx) => toDeployment(deploymentOf(apiOf(ctx, input.ApiId), input.DeploymentId)),
});

export const GetDeployments = operation<GetDeploymentsRequest, GetDeploymentsResponse>({
  handler(input, ctx) {
    const p = page(Object.values(apiOf(ctx, input.ApiId).deployments), input.NextToken, input.MaxResults);
    return { Items: p.Items.map(toDeployment), NextToken: p.NextToken };
  },
});

export const DeleteDeployment = operation<DeleteDeploymentRequest, Record<string, never>>({
  handler(input, ctx) {
    const api = apiOf(ctx, input.ApiId);
    const d = deploymentOf(api, input.DeploymentId);
    if (Object.values(api.stages).some((s) => s.DeploymentId === d.DeploymentId)) {
      throw badRequest('Active stages pointing to this deployment must be moved or deleted');
    }
    delete api.deployments[d.DeploymentId];
    return {};
  },
});
