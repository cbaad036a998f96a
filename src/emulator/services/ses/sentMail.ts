import type { HttpRequest, HttpResponse } from '../../core/http.js';
import { jsonResponse, queryGet } from '../../core/http.js';
import type { ServiceRoute } from '../../core/service.js';
import type { Emulator } from '../../emulator.js';
import { bareAddress, sesStateOf, type SentMail } from './state.js';

export const isSentMailPath = (req: HttpRequest) => req.rawPath === '/_aws/ses' || req.rawPath === '/_aws/ses/';

/** Every account's and region's sent mail, oldest first (LocalStack keeps one list for all). */
function allSent(emulator: Emulator): { mail: SentMail; list: SentMail[] }[] {
  const out: { mail: SentMail; list: SentMail[] }[] = [];
  for (const account of emulator.store.accounts()) {
    for (const region of emulator.store.regions('ses', account)) {
      const list = sesStateOf(emulator, account, region).sent;
      for (const mail of list) out.push({ mail, list });
    }
  }
  return out.sort((a, b) => a.mail.sentAt - b.mail.sentAt);
}

/** One message in LocalStack's shape: raw messages carry RawData, the others Subject and Body. */
function toLocalStack(emulator: Emulator, m: SentMail): Record<string, unknown> {
  const out: Record<string, unknown> = { Id: m.Id, Region: m.Region };
  if (m.rawBlob) {
    out.Source = m.Source;
    out.RawData = emulator.store.blobs.has(m.rawBlob) ? emulator.store.blobs.get(m.rawBlob).toString('utf8') : null;
  } else {
    out.Destination = m.Destination;
    out.Source = m.Source;
    out.Subject = m.Subject;
    out.Body = m.Body;
  }
  if (m.Template !== undefined) {
    out.Template = m.Template;
    out.TemplateData = m.TemplateData;
  }
  out.Timestamp = m.Timestamp;
  return out;
}

const CORS = {
  'access-control-allow-origin': '*',
  'access-control-allow-methods': 'GET, DELETE, OPTIONS',
  'access-control-allow-headers': '*',
};

function answer(req: HttpRequest, emulator: Emulator): HttpResponse {
  const id = queryGet(req, 'id') || undefined;
  if (req.method === 'OPTIONS') return { status: 204, headers: { 'access-control-max-age': '600' } };
  if (req.method === 'GET') {
    const email = queryGet(req, 'email') || undefined;
    const messages = allSent(emulator)
      .map((x) => x.mail)
      .filter((m) => (!id || m.Id === id) && (!email || m.Source === email || bareAddress(m.Source) === email))
      .map((m) => toLocalStack(emulator, m));
    return jsonResponse(200, { messages });
  }
  if (req.method === 'DELETE') {
    for (const { mail, list } of allSent(emulator)) {
      if (id && mail.Id !== id) continue;
      list.splice(list.indexOf(mail), 1);
    }
    emulator.persistSoon();
    return { status: 204, headers: {} };
  }
  return jsonResponse(405, { error: 'Use GET or DELETE on /_aws/ses.' }, { allow: 'GET, DELETE' });
}

/**
 * `GET /_aws/ses` lists sent mail as LocalStack does (`?id=` and `?email=`, the sender as given or
 * its bare address, filter it); `DELETE /_aws/ses` forgets it all, or one message with `?id=`.
 * A data-plane route answers CORS itself: the course page reads this from another origin.
 */
export const sentMailRoute: ServiceRoute = {
  match: isSentMailPath,
  async handle(req: HttpRequest, emulator: Emulator): Promise<HttpResponse> {
    const res = answer(req, emulator);
    Object.assign(res.headers, CORS);
    return res;
  },
};
