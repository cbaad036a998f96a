const XML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

export const escapeXml = (s: string): string => s.replace(/[&<>"']/g, (c) => XML_ESCAPES[c]);

/** `<Root xmlns="…">inner</Root>` → `inner` (and `<Root/>` → ''). */
export function stripRootElement(xml: string): string {
  const s = xml.replace(/^<\?xml[^>]*\?>\s*/, '');
  if (/^<[^>]+\/>$/.test(s)) return '';
  const open = s.indexOf('>');
  const close = s.lastIndexOf('</');
  if (open < 0 || close < open) return '';
  return s.slice(open + 1, close);
}
