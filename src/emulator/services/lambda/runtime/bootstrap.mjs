// The Node.js runtime inside one Lambda execution environment (a child process of the emulator).
//
// Plain JavaScript on purpose: the emulator spawns this file directly, from src/ in tests and from
// dist/ once built, with no TypeScript loader. It plays the part of AWS's runtime interface client:
// it loads the function's code once (the init phase), then runs one invocation at a time with
// AWS's semantics (async and callback handlers, callbackWaitsForEmptyEventLoop, the context object,
// console lines with timestamp, request id and level, AWS's error shapes).
//
// Wire: frames of [type: 1 byte][meta length: u32 BE][body length: u32 BE][meta JSON][body bytes].
// The parent writes to our stdin; we write to fd 3 with blocking writes, so every log line reaches
// the parent before a result, and before the process exits (process.exit, crashes).
//   parent → child  I init {env, taskRoot, handler}      V invoke {requestId, deadlineMs, ...} + event bytes
//   child → parent  R ready {initMs}   F init failed {initMs} + error JSON
//                   C console line     O raw stdout/stderr text
//                   D done {maxRssMb} + result JSON       E error {maxRssMb, errorType, exiting} + error JSON
//                   P the event is not JSON {message}
import fs from 'node:fs';
import path from 'node:path';
import util from 'node:util';
import Module, { createRequire, isBuiltin, register } from 'node:module';
import { pathToFileURL } from 'node:url';

const OUT = 3;
const require = createRequire(import.meta.url);

function send(type, meta, body) {
  const metaBuf = meta === undefined ? EMPTY : Buffer.from(JSON.stringify(meta));
  const bodyBuf = body === undefined ? EMPTY : typeof body === 'string' ? Buffer.from(body) : body;
  const head = Buffer.allocUnsafe(9);
  head[0] = type.charCodeAt(0);
  head.writeUInt32BE(metaBuf.length, 1);
  head.writeUInt32BE(bodyBuf.length, 5);
  if (bodyBuf.length < 65536) writeAll(Buffer.concat([head, metaBuf, bodyBuf]));
  else {
    writeAll(Buffer.concat([head, metaBuf]));
    writeAll(bodyBuf);
  }
}
const EMPTY = Buffer.alloc(0);

function writeAll(buf) {
  let off = 0;
  while (off < buf.length) {
    try {
      off += fs.writeSync(OUT, buf, off, buf.length - off);
    } catch (e) {
      if (e.code === 'EAGAIN') continue; // only if the pipe was left non-blocking: retry
      if (e.code === 'EPIPE') process.exit(0); // the emulator is gone
      throw e;
    }
  }
}

// ---- logging, as AWS's runtime does it: one console call is one log event ----

let requestId; // undefined during init, as AWS prints it
const LEVELS = { trace: 'TRACE', debug: 'DEBUG', info: 'INFO', log: 'INFO', warn: 'WARN', error: 'ERROR' };
function consoleLine(level, args) {
  send('C', undefined, `${new Date().toISOString()}\t${requestId}\t${level}\t${util.format(...args)}\n`);
}
for (const [method, level] of Object.entries(LEVELS)) console[method] = (...args) => consoleLine(level, args);
console.fatal = (...args) => consoleLine('FATAL', args);
const rawWrite = (chunk, encoding, cb) => {
  const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString(typeof encoding === 'string' ? encoding : 'utf8');
  send('O', undefined, text);
  const done = typeof encoding === 'function' ? encoding : cb;
  if (done) process.nextTick(done);
  return true;
};
process.stdout.write = rawWrite;
process.stderr.write = rawWrite;

// The error shapes of AWS's Node.js runtime: the invoke response, and the tab-prefixed JSON it logs.
function toRapidResponse(error) {
  try {
    if (util.types.isNativeError(error) || isErrorLike(error)) {
      return { errorType: error.name, errorMessage: error.message, trace: String(error.stack).split('\n') };
    }
    return { errorType: typeof error, errorMessage: String(error), trace: [] };
  } catch {
    return {
      errorType: 'handled',
      errorMessage: 'callback called with Error argument, but there was a problem while retrieving one or more of its message, name, and stack',
    };
  }
}
const isErrorLike = (e) => e && typeof e.name === 'string' && typeof e.message === 'string' && typeof e.stack === 'string';
function toFormatted(error) {
  try {
    return '\t' + JSON.stringify(error, (_k, v) => (v instanceof Error ? { errorType: v.name, errorMessage: v.message, code: v.code, ...v, stack: typeof v.stack === 'string' ? v.stack.split('\n') : v.stack } : v));
  } catch {
    return '\t' + JSON.stringify(toRapidResponse(error));
  }
}
const intoError = (e) => (e instanceof Error ? e : new Error(e));
const logError = (what, error) => console.error(what, toFormatted(intoError(error)));

function runtimeError(name, message, stack) {
  const e = new Error(message);
  e.name = `Runtime.${name}`;
  if (stack) e.stack = stack;
  return e;
}

// ---- what a function may import ----
//
// On AWS a function finds only its own files and the SDK (@aws-sdk, @smithy). When the code lives
// under a directory that has a node_modules of its own above it (the state directory inside a
// project), Node would find that project's packages too, and code would work here that fails on AWS.
// `--guard <root>` makes bare imports from the code resolve only inside <root> or to the SDK.
const guardAt = process.argv.indexOf('--guard');
if (guardAt > 0) guardImports(process.argv[guardAt + 1]);

function guardImports(given) {
  const root = fs.realpathSync(given);
  const allowed = ['@aws-sdk', '@smithy'].map((scope) => {
    try {
      return fs.realpathSync(path.join(root, 'node_modules', scope)) + path.sep;
    } catch {
      return undefined;
    }
  }).filter(Boolean);
  const inRoot = (file) => file.startsWith(root + path.sep);
  const bare = (spec) => !/^(\.|\/|file:|node:|data:)/.test(spec) && !isBuiltin(spec);
  const permitted = (file) => inRoot(file) || allowed.some((a) => file.startsWith(a));
  const resolveFilename = Module._resolveFilename;
  Module._resolveFilename = function (request, parent, ...rest) {
    const file = resolveFilename.call(this, request, parent, ...rest);
    if (parent?.filename && inRoot(parent.filename) && bare(request) && typeof file === 'string' && !permitted(file)) {
      const e = new Error(`Cannot find module '${request}'\nRequire stack:\n- ${parent.filename}`);
      e.code = 'MODULE_NOT_FOUND';
      throw e;
    }
    return file;
  };
  const hook = `
    import { fileURLToPath } from 'node:url';
    let root, allowed;
    export function initialize(data) { root = data.root; allowed = data.allowed; }
    export async function resolve(specifier, context, next) {
      const r = await next(specifier, context);
      const parent = context.parentURL?.startsWith('file:') ? fileURLToPath(context.parentURL) : '';
      if (parent.startsWith(root + '/') && !/^(\\.|\\/|file:|node:|data:)/.test(specifier) && r.url.startsWith('file:')) {
        const file = fileURLToPath(r.url);
        if (!file.startsWith(root + '/') && !allowed.some((a) => file.startsWith(a))) {
          const e = new Error("Cannot find package '" + specifier.split('/').slice(0, specifier.startsWith('@') ? 2 : 1).join('/') + "' imported from " + parent);
          e.code = 'ERR_MODULE_NOT_FOUND';
          throw e;
        }
      }
      return r;
    }`;
  register(`data:text/javascript,${encodeURIComponent(hook)}`, { data: { root, allowed } });
}

// ---- loading the handler (AWS's rules: nested paths, .js/.mjs/.cjs, package.json "type") ----

function hasTypeModule(folder) {
  for (let dir = folder; ; dir = path.dirname(dir)) {
    if (dir.endsWith(`${path.sep}node_modules`)) return false;
    const pj = path.join(dir, 'package.json');
    if (fs.existsSync(pj)) {
      try {
        return JSON.parse(fs.readFileSync(pj, 'utf8'))?.type === 'module';
      } catch {
        return false;
      }
    }
    if (path.dirname(dir) === dir) return false;
  }
}

async function loadModule(taskRoot, moduleRoot, moduleName) {
  const base = path.resolve(taskRoot, moduleRoot, moduleName);
  const tryRequire = (ext) => (fs.existsSync(base + ext) ? require(base + ext) : undefined);
  const tryImport = async (ext) => (fs.existsSync(base + ext) ? import(pathToFileURL(base + ext).href) : undefined);
  const extensionless = tryRequire('');
  if (extensionless) return extensionless;
  const esm = hasTypeModule(path.dirname(base));
  if (!esm) {
    const js = tryRequire('.js');
    if (js) return js;
  }
  const loaded = (esm && (await tryImport('.js'))) || (await tryImport('.mjs')) || tryRequire('.cjs');
  if (loaded) return loaded;
  return require(require.resolve(moduleName, { paths: [taskRoot, moduleRoot] }));
}

async function loadHandler(taskRoot, fullHandler) {
  if (fullHandler.includes('..')) {
    throw runtimeError('MalformedHandlerName', `'${fullHandler}' is not a valid handler name. Use absolute paths when specifying root directories in handler names.`);
  }
  const handlerString = path.basename(fullHandler);
  const moduleRoot = fullHandler.substring(0, fullHandler.indexOf(handlerString));
  const m = /^([^.]*)\.(.*)$/.exec(handlerString);
  if (!m) throw runtimeError('MalformedHandlerName', 'Bad handler');
  const [, moduleName, handlerPath] = m;
  let app;
  try {
    app = await loadModule(taskRoot, moduleRoot, moduleName);
  } catch (e) {
    if (e instanceof SyntaxError) throw runtimeError('UserCodeSyntaxError', String(e), e.stack);
    if (e && e.code === 'MODULE_NOT_FOUND') throw runtimeError('ImportModuleError', String(e));
    throw e;
  }
  const fn = handlerPath.split('.').reduce((o, k) => o && o[k], app);
  if (!fn) throw runtimeError('HandlerNotFound', `${fullHandler} is undefined or not exported`);
  if (typeof fn !== 'function') throw runtimeError('HandlerNotFound', `${fullHandler} is not a function`);
  return fn;
}

// ---- response streaming handlers, buffered (Invoke has no streaming) ----

const STREAMING = Symbol.for('aws.lambda.runtime.handler.streaming');
globalThis.awslambda = {
  streamifyResponse: (handler) => {
    handler[STREAMING] = 'response';
    return handler;
  },
  HttpResponseStream: {
    from: (stream, prelude) => {
      stream.write(JSON.stringify(prelude));
      stream.write(Buffer.alloc(8));
      return stream;
    },
  },
};

// ---- the invoke loop ----

let handler;
let isAsync = false;
let onBeforeExit; // what to do when the event loop empties during an invocation

process.on('beforeExit', () => {
  const action = onBeforeExit;
  onBeforeExit = undefined;
  if (action) action();
});

process.on('uncaughtException', (error) => {
  logError('Uncaught Exception', error);
  fatal(error, 129);
});
process.on('unhandledRejection', (reason) => {
  const error = runtimeError('UnhandledPromiseRejection', String(reason));
  error.reason = reason;
  error.promise = {};
  logError('Unhandled Promise Rejection', error);
  fatal(error, 128);
});

function fatal(error, code) {
  // AWS's runtime reports the error for the invocation in progress (or the init), then exits.
  const body = JSON.stringify(toRapidResponse(error));
  if (!handler) send('F', { initMs: initMs(), maxRssMb: maxRssMb() }, body);
  else send('E', { maxRssMb: maxRssMb(), errorType: toRapidResponse(error).errorType, exiting: true }, body);
  process.exit(code);
}

const maxRssMb = () => Math.ceil(process.resourceUsage().maxRSS / 1024);
let initStart = 0;
const initMs = () => performance.now() - initStart;

async function init(meta) {
  initStart = performance.now();
  for (const [k, v] of Object.entries(meta.env)) process.env[k] = v;
  process.chdir(meta.taskRoot);
  try {
    const fn = await loadHandler(meta.taskRoot, meta.handler);
    handler = fn;
    isAsync = fn.constructor?.name === 'AsyncFunction';
    send('R', { initMs: initMs() });
  } catch (e) {
    logError('Uncaught Exception', e);
    send('F', { initMs: initMs(), maxRssMb: maxRssMb() }, JSON.stringify(toRapidResponse(e)));
    process.exit(129);
  }
}

function invoke(meta, body) {
  requestId = meta.requestId;
  let event;
  try {
    event = body.length ? JSON.parse(body.toString('utf8')) : {};
  } catch (e) {
    send('P', { message: e.message });
    requestId = undefined;
    return;
  }
  let finished = false;
  let waitForEmptyLoop = true;
  const finish = (ok, value, raw) => {
    if (finished) return;
    finished = true;
    onBeforeExit = undefined;
    process.stdin.ref();
    if (raw) send('D', { maxRssMb: maxRssMb() }, raw);
    else if (ok) {
      let json;
      try {
        json = JSON.stringify(value === undefined ? null : value);
      } catch {
        const err = runtimeError('JSONStringifyError', 'Unable to stringify response body');
        send('E', { maxRssMb: maxRssMb(), errorType: err.name }, JSON.stringify(toRapidResponse(err)));
        return;
      }
      send('D', { maxRssMb: maxRssMb() }, json ?? 'null');
    } else {
      logError('Invoke Error', value);
      const r = toRapidResponse(value);
      send('E', { maxRssMb: maxRssMb(), errorType: r.errorType }, JSON.stringify(r));
    }
  };
  const callback = (err, result) => {
    onBeforeExit = undefined;
    if (err !== undefined && err !== null) finish(false, err);
    else if (!waitForEmptyLoop) finish(true, result);
    else onBeforeExit = () => setImmediate(() => finish(true, result));
  };
  const done = (err, result) => (err !== undefined && err !== null ? finish(false, err) : finish(true, result));
  const context = {
    get callbackWaitsForEmptyEventLoop() {
      return waitForEmptyLoop;
    },
    set callbackWaitsForEmptyEventLoop(v) {
      waitForEmptyLoop = v;
    },
    succeed: (result) => done(null, result),
    fail: (err) => done(err === undefined || err === null ? 'handled' : err, null),
    done,
    functionVersion: process.env.AWS_LAMBDA_FUNCTION_VERSION,
    functionName: process.env.AWS_LAMBDA_FUNCTION_NAME,
    memoryLimitInMB: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
    logGroupName: process.env.AWS_LAMBDA_LOG_GROUP_NAME,
    logStreamName: process.env.AWS_LAMBDA_LOG_STREAM_NAME,
    clientContext: meta.clientContext,
    identity: meta.identity,
    invokedFunctionArn: meta.invokedFunctionArn,
    awsRequestId: meta.requestId,
    getRemainingTimeInMillis: () => meta.deadlineMs - Date.now(),
  };
  // A handler that is not async and never calls back ends when the event loop empties: null for
  // plain functions, Runtime.NodeJsExit for async ones whose promise never settles (AWS does this).
  onBeforeExit = isAsync
    ? () => finish(false, runtimeError('NodeJsExit', 'The Lambda runtime client detected an unexpected Node.js exit code. This is most commonly caused by a Promise that was never settled. For more information, see https://nodejs.org/docs/latest/api/process.html#exit-codes'))
    : () => finish(true, null);
  // Our own pipe must not keep the loop alive, or 'beforeExit' could never fire.
  process.stdin.unref();
  try {
    if (handler[STREAMING] === 'response') {
      const chunks = [];
      const stream = {
        write: (c) => (chunks.push(Buffer.from(c)), true),
        end: (c) => {
          if (c !== undefined) chunks.push(Buffer.from(c));
        },
        setContentType: () => {},
        on: () => stream,
        once: () => stream,
      };
      Promise.resolve(handler(event, stream, context)).then(
        () => finish(true, undefined, Buffer.concat([...chunks, EMPTY])),
        (e) => finish(false, e),
      );
      return;
    }
    const result = handler(event, context, callback);
    if (result && typeof result.then === 'function') result.then(context.succeed, context.fail);
  } catch (e) {
    callback(e);
  }
}

// ---- reading frames from the parent ----

let pending = Buffer.alloc(0);
process.stdin.on('data', (chunk) => {
  pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
  while (pending.length >= 9) {
    const metaLen = pending.readUInt32BE(1);
    const bodyLen = pending.readUInt32BE(5);
    const total = 9 + metaLen + bodyLen;
    if (pending.length < total) break;
    const type = String.fromCharCode(pending[0]);
    const meta = metaLen ? JSON.parse(pending.subarray(9, 9 + metaLen).toString('utf8')) : {};
    const body = pending.subarray(9 + metaLen, total);
    pending = pending.subarray(total);
    if (type === 'I') void init(meta);
    else if (type === 'V') invoke(meta, Buffer.from(body));
  }
});
// The emulator went away: so do we.
process.stdin.on('end', () => process.exit(0));
