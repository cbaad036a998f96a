import type { HttpRequest, HttpResponse } from '../core/http.js';
import { jsonResponse, queryGet } from '../core/http.js';
import type { Emulator } from '../emulator.js';
import { catalog } from '../services/catalog.js';

const VERSION = '4.14.0';

/**
 * The emulator's own endpoints: LocalStack's health check (so tools that wait for LocalStack work)
 * and awslings' endpoints under /_awslings/. Services add theirs (such as /_aws/ses) as routes.
 */
export async function handleInternal(emulator: Emulator, req: HttpRequest): Promise<HttpResponse | undefined> {
  const path = req.rawPath;
  if (!path.startsWith('/_')) return undefined;

  if (path === '/_localstack/health' || path === '/_awslings/health') {
    if (req.method === 'HEAD') return { status: 200, headers: {} };
    const loaded = new Set(emulator.loadedServices());
    const services: Record<string, string> = {};
    for (const e of catalog) services[e.id] = loaded.has(e.id) ? 'running' : 'available';
    return jsonResponse(200, { services, edition: 'community', version: VERSION, awslings: true });
  }

  if (path === '/_awslings/services' && req.method === 'GET') {
    const out: Record<string, { protocol: string; operations: string[] }> = {};
    for (const e of catalog) {
      const svc = await emulator.service(e.id);
      out[e.id] = { protocol: svc.def.protocol, operations: Object.keys(svc.def.operations).sort() };
    }
    return jsonResponse(200, out);
  }

  if (path === '/_awslings/reset' && req.method === 'POST') {
    let accountId: string | undefined = queryGet(req, 'accountId');
    if (!accountId && req.body.length) {
      try {
        accountId = (JSON.parse(req.body.toString('utf8')) as { accountId?: string }).accountId;
      } catch {
        return jsonResponse(400, { error: 'The body must be JSON: {"accountId": "123456789012"}, or empty to reset every account.' });
      }
    }
    if (accountId !== undefined && !/^\d{12}$/.test(accountId)) {
      return jsonResponse(400, { error: `accountId must be 12 digits, got ${JSON.stringify(accountId)}` });
    }
    await emulator.reset(accountId);
    return jsonResponse(200, { reset: accountId ?? 'all' });
  }

  if (path === '/_awslings/outbox' && req.method === 'GET') {
    return jsonResponse(200, {
      messages: emulator.outbox.list({ accountId: queryGet(req, 'accountId'), to: queryGet(req, 'to'), source: queryGet(req, 'source') }),
    });
  }

  if (path === '/_awslings/iam/decisions' && req.method === 'GET') {
    const since = Number(queryGet(req, 'since') ?? 0);
    const limit = Number(queryGet(req, 'limit') ?? 200);
    return jsonResponse(200, {
      decisions: emulator.decisions.list({ accountId: queryGet(req, 'accountId'), since, limit }),
    });
  }

  return undefined;
}
