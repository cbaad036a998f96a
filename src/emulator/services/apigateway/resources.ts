import type {
  CreateResourceRequest,
  DeleteResourceRequest,
  GetResourceRequest,
  GetResourcesRequest,
  Resource,
  Resources,
  UpdateResourceRequest,
} from '@aws-sdk/client-api-gateway';
import { operation } from '../../core/service.js';
import type { ResourceRecord, RestApiRecord } from './state.js';
import { applyPatches, badRequest, conflict, invalidResource, newId, page, restApiOrResourceError, unsupportedPatchOp } from './common.js';
import { toMethod } from './methods.js';

const PATH_PART = /^(\{[a-zA-Z0-9._-]+\+?\}|[a-zA-Z0-9._:-]+)$/;

export function toResource(r: ResourceRecord, embed: boolean): Resource {
  const names = Object.keys(r.methods);
  return {
    id: r.id,
    parentId: r.parentId,
    pathPart: r.pathPart,
    path: r.path,
    resourceMethods: names.length ? Object.fromEntries(names.map((m) => [m, embed ? toMethod(r.methods[m]) : {}])) : undefined,
  };
}

export function resourceOf(api: RestApiRecord, id: string | undefined): ResourceRecord {
  const r = id ? api.resources[id] : undefined;
  if (!r) throw invalidResource();
  return r;
}

const isVariable = (part: string | undefined) => !!part && part.startsWith('{');
const isGreedy = (part: string | undefined) => !!part && part.endsWith('+}');

/** Checks that `pathPart` may live under `parent` (AWS's rules on siblings and greedy variables). */
function checkPlacement(api: RestApiRecord, parent: ResourceRecord, pathPart: string, self?: string): void {
  if (!PATH_PART.test(pathPart)) {
    throw badRequest(
      "Resource's path part only allow a-zA-Z0-9._- and curly braces at the beginning and the end and an optional plus sign before the closing brace.",
    );
  }
  if (isGreedy(parent.pathPart)) throw badRequest(`Cannot create a child of a resource with a greedy path variable: ${parent.pathPart}`);
  const siblings = Object.values(api.resources).filter((r) => r.parentId === parent.id && r.id !== self);
  if (siblings.some((s) => s.pathPart === pathPart)) throw conflict(`Another resource with the same parent already has this name: ${pathPart}`);
  const variable = siblings.find((s) => isVariable(s.pathPart));
  if (isVariable(pathPart) && variable) {
    throw badRequest(`A sibling (${variable.pathPart}) of this resource already has a variable path part -- only one is allowed`);
  }
}

const joinPath = (parent: ResourceRecord, part: string) => (parent.path === '/' ? `/${part}` : `${parent.path}/${part}`);

function repath(api: RestApiRecord, r: ResourceRecord): void {
  const parent = api.resources[r.parentId!];
  r.path = joinPath(parent, r.pathPart!);
  for (const child of Object.values(api.resources)) if (child.parentId === r.id) repath(api, child);
}

/** Adds a resource (CreateResource and the OpenAPI import). */
export function addResource(api: RestApiRecord, parent: ResourceRecord, pathPart: string): ResourceRecord {
  checkPlacement(api, parent, pathPart);
  const r: ResourceRecord = { id: newId(10), parentId: parent.id, pathPart, path: joinPath(parent, pathPart), methods: {} };
  api.resources[r.id] = r;
  return r;
}

export const CreateResource = operation<CreateResourceRequest, Resource>({
  handler(input, ctx) {
    const api = restApiOrResourceError(ctx, input.restApiId);
    const parent = resourceOf(api, input.parentId);
    return toResource(addResource(api, parent, input.pathPart ?? ''), false);
  },
});

export const GetResource = operation<GetResourceRequest, Resource>({
  handler(input, ctx) {
    const api = restApiOrResourceError(ctx, input.restApiId);
    return toResource(resourceOf(api, input.resourceId), true);
  },
});

export const GetResources = operation<GetResourcesRequest, Resources>({
  handler(input, ctx) {
    const api = restApiOrResourceError(ctx, input.restApiId);
    const embed = (input.embed ?? []).includes('methods');
    const p = page(Object.values(api.resources), input.position, input.limit ?? 500);
    return { items: p.items.map((r) => toResource(r, embed)), position: p.position };
  },
});

export const UpdateResource = operation<UpdateResourceRequest, Resource>({
  handler(input, ctx) {
    const api = restApiOrResourceError(ctx, input.restApiId);
    const r = resourceOf(api, input.resourceId);
    let parentId = r.parentId;
    let pathPart = r.pathPart;
    applyPatches(input.patchOperations, (p) => {
      const field = p.segs.join('/');
      if (field !== 'parentId' && field !== 'pathPart') {
        throw badRequest(`Invalid patch path  '${p.path}' specified for op '${p.op}'. Must be one of: [/parentId, /pathPart]`);
      }
      if (p.op !== 'replace') throw unsupportedPatchOp(p.path, p.op);
      if (r.id === api.rootResourceId) throw badRequest('Root resource cannot update its parent and/or its path part.');
      if (field === 'parentId') parentId = p.value;
      else pathPart = p.value;
    });
    if (parentId !== r.parentId || pathPart !== r.pathPart) {
      const parent = resourceOf(api, parentId);
      for (let a: ResourceRecord | undefined = parent; a; a = a.parentId ? api.resources[a.parentId] : undefined) {
        if (a.id === r.id) throw badRequest('Resources cannot be cyclical.');
      }
      checkPlacement(api, parent, pathPart ?? '', r.id);
      r.parentId = parentId;
      r.pathPart = pathPart;
      repath(api, r);
    }
    return toResource(r, false);
  },
});

export const DeleteResource = operation<DeleteResourceRequest, Record<string, never>>({
  handler(input, ctx) {
    const api = restApiOrResourceError(ctx, input.restApiId);
    const r = resourceOf(api, input.resourceId);
    if (r.id === api.rootResourceId) throw badRequest('Cannot delete root resource');
    const doomed = new Set([r.id]);
    let grew = true;
    while (grew) {
      grew = false;
      for (const x of Object.values(api.resources)) {
        if (x.parentId && doomed.has(x.parentId) && !doomed.has(x.id)) {
          doomed.add(x.id);
          grew = true;
        }
      }
    }
    for (const id of doomed) delete api.resources[id];
    return {};
  },
});
