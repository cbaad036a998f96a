import { AwsError } from '../../core/errors.js';
import type { RequestContext } from '../../core/service.js';
import { newId } from '../apigateway/common.js';
import { apigatewayv2State, type DeploymentRecord, type HttpApiRecord } from './state.js';

export type Ctx = Pick<RequestContext, 'emulator' | 'accountId' | 'region'>;

export const notFound = (message: string, resourceType?: string) =>
  new AwsError('NotFoundException', message, 404, { fields: resourceType ? { ResourceType: resourceType } : {} });
export const badRequest = (message: string) => new AwsError('BadRequestException', message, 400);
export const conflict = (message: string) => new AwsError('ConflictException', message, 409);

export const nowIso = (ctx: Pick<RequestContext, 'emulator'>): string => new Date(ctx.emulator.clock.now()).toISOString();
export const date = (iso: string | undefined): Date | undefined => (iso ? new Date(iso) : undefined);

export function apiOf(ctx: Ctx, apiId: string | undefined): HttpApiRecord {
  const api = apiId ? apigatewayv2State(ctx).apis[apiId] : undefined;
  if (!api) throw notFound(`Invalid API identifier specified ${ctx.accountId}:${apiId}`, 'Api');
  return api;
}

/** The execute-api URL of an API: `http://<apiId>.execute-api.localhost:<port>` (curl and browsers resolve it). */
export function apiEndpoint(endpoint: string, apiId: string): string {
  const u = new URL(endpoint);
  return `${u.protocol}//${apiId}.execute-api.localhost${u.port ? `:${u.port}` : ''}`;
}

/** HTTP APIs' pagination: NextToken (an opaque offset) and MaxResults (a string, as the API has it). */
export function page<T>(items: T[], token: string | undefined, max: string | undefined): { Items: T[]; NextToken?: string } {
  const size = max ? Number(max) : 100;
  if (!Number.isInteger(size) || size < 1) throw badRequest('The maxResults must be a positive integer');
  const start = token ? Number.parseInt(Buffer.from(token, 'base64').toString('utf8'), 10) || 0 : 0;
  return { Items: items.slice(start, start + size), NextToken: start + size < items.length ? Buffer.from(String(start + size)).toString('base64') : undefined };
}

/** A new deployment of the API as it is now. */
export function deploy(ctx: Ctx, api: HttpApiRecord, description: string | undefined, auto: boolean): DeploymentRecord {
  const d: DeploymentRecord = {
    DeploymentId: newId(6),
    Description: description,
    CreatedDate: nowIso(ctx),
    AutoDeployed: auto,
    routes: JSON.parse(JSON.stringify(api.routes)),
    integrations: JSON.parse(JSON.stringify(api.integrations)),
    authorizers: JSON.parse(JSON.stringify(api.authorizers)),
  };
  api.deployments[d.DeploymentId] = d;
  return d;
}

/** Stages with AutoDeploy get a new deployment after every change to the API's routes, integrations or authorizers. */
export function autoDeploy(ctx: Ctx, api: HttpApiRecord): void {
  const stages = Object.values(api.stages).filter((s) => s.AutoDeploy);
  if (!stages.length) return;
  const d = deploy(ctx, api, 'Automatic deployment triggered by changes to the Api configuration', true);
  for (const s of stages) {
    s.DeploymentId = d.DeploymentId;
    s.LastUpdatedDate = d.CreatedDate;
    s.LastDeploymentStatusMessage = `Successfully deployed stage with deployment ID '${d.DeploymentId}'`;
  }
}

export const arnOfApi = (region: string, apiId: string) => `arn:aws:apigateway:${region}::/apis/${apiId}`;
