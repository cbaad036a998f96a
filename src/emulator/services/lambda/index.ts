import * as lambda from '@aws-sdk/client-lambda';
import { pickOperations } from '../../core/operations.js';
import { catalog } from '../catalog.js';
import { defineService } from '../../core/service.js';
import * as aliases from './aliases.js';
import { asyncQueueOf, stopAsyncQueue } from './async.js';
import * as concurrency from './concurrency.js';
import * as createFunction from './createFunction.js';
import * as eventInvokeConfig from './eventInvokeConfig.js';
import { runtimeOf, stopRuntime } from './execution.js';
import * as functions from './functions.js';
import * as invoke from './invoke.js';
import * as permissions from './permissions.js';
import * as provisioned from './provisionedConcurrency.js';
import { routes } from './routes.js';
import { initialLambdaState, type LambdaState } from './state.js';
import * as tags from './tags.js';
import * as updateFunction from './updateFunction.js';
import * as versions from './versions.js';
import * as functionUrls from './functionUrls.js';
import { functionUrlRoute } from './urlDataPlane.js';

/**
 * Lambda: the API (restJson1) and execution environments that really run the functions' code,
 * each a Node.js child process (runtime/). Other services invoke functions with `invokeFunction`
 * and check trigger permissions with `checkInvokePermission`.
 */
export default defineService<LambdaState>({
  id: 'lambda',
  signingName: 'lambda',
  protocol: 'restJson1',
  sdk: lambda,
  state: initialLambdaState,
  operations: pickOperations(
    createFunction,
    functions,
    updateFunction,
    versions,
    aliases,
    tags,
    invoke,
    permissions,
    eventInvokeConfig,
    concurrency,
    provisioned,
    functionUrls,
  ),
  routes: [...routes, functionUrlRoute],
  start(emulator) {
    // One code-free Node process for the default memory size, and the services every invocation
    // uses (role sessions, logs), so that the first cold start does not wait for them to load.
    runtimeOf(emulator).manager.prewarm(128);
    for (const id of ['iam', 'sts', 'logs']) {
      if (catalog.some((e) => e.id === id)) emulator.service(id).catch(() => {});
    }
    asyncQueueOf(emulator).resume();
    provisioned.resumeProvisioned(emulator);
  },
  async stop(emulator) {
    stopAsyncQueue(emulator);
    await stopRuntime(emulator);
  },
  reset(emulator, accountId) {
    const rt = runtimeOf(emulator);
    rt.manager.retire({ accountId });
    rt.logs.forget(accountId);
    asyncQueueOf(emulator).forget(accountId);
  },
});

export { invokeFunction, type InvokeFunctionRequest, type InvokeFunctionResult } from './invoke.js';
export { checkInvokePermission, type InvokePermissionRequest } from './permissions.js';
