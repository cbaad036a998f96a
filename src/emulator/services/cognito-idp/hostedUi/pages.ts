import type { HttpResponse } from '../../../core/http.js';

export const esc = (s: unknown): string =>
  String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const CSS = `
*{box-sizing:border-box}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;background:#f2f3f3;color:#16191f}
main{max-width:26rem;margin:3rem auto;padding:2rem;background:#fff;border-radius:8px;box-shadow:0 1px 4px rgba(0,0,0,.15)}
h1{font-size:1.4rem;margin:0 0 1rem}
p.note{font-size:.9rem;color:#414d5c;background:#f4f4f4;border-left:4px solid #0972d3;padding:.5rem .75rem}
label{display:block;font-weight:600;margin:1rem 0 .25rem}
input{width:100%;padding:.6rem;border:1px solid #7d8998;border-radius:4px;font:inherit}
input:focus,button:focus,a:focus{outline:3px solid #0972d3;outline-offset:2px}
button{margin-top:1.25rem;width:100%;padding:.7rem;border:0;border-radius:4px;background:#0972d3;color:#fff;font:inherit;font-weight:600;cursor:pointer}
button.idp{background:#fff;color:#16191f;border:1px solid #7d8998;margin-top:.5rem}
.error{color:#b0071d;background:#fff1f0;border:1px solid #b0071d;border-radius:4px;padding:.5rem .75rem}
.links{margin-top:1rem;font-size:.95rem}
.links a{color:#0b5fb3}
hr{border:0;border-top:1px solid #d1d5db;margin:1.5rem 0}
`;

/** A complete, accessible page: a language, a title, one main landmark, one heading. */
export function page(title: string, body: string, status = 200, headers: Record<string, string | string[]> = {}): HttpResponse {
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${esc(title)}</title><style>${CSS}</style></head>
<body><main>
<h1>${esc(title)}</h1>
${body}
</main></body></html>`;
  return { status, headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', ...headers }, body: html };
}

export const errorBox = (message: string | undefined): string => (message ? `<p class="error" role="alert" id="error">${esc(message)}</p>` : '');

export const hidden = (fields: Record<string, string | undefined>): string =>
  Object.entries(fields)
    .filter(([, v]) => v !== undefined && v !== '')
    .map(([k, v]) => `<input type="hidden" name="${esc(k)}" value="${esc(v)}">`)
    .join('\n');

export function field(name: string, label: string, type: string, autocomplete: string, value = '', extra = ''): string {
  return `<label for="${esc(name)}">${esc(label)}</label>
<input id="${esc(name)}" name="${esc(name)}" type="${esc(type)}" autocomplete="${esc(autocomplete)}" value="${esc(value)}" required${extra}>`;
}

export const redirect = (location: string, headers: Record<string, string | string[]> = {}): HttpResponse => ({
  status: 302,
  headers: { location, 'cache-control': 'no-store', ...headers },
  body: '',
});

/** Cognito's error page, for requests it cannot send back to the app (a wrong client or redirect URI). */
export const errorPage = (message: string, status = 400): HttpResponse =>
  page('An error was encountered', `${errorBox(message)}<p>Go back to the application and try again.</p>`, status);
