/**
 * The registration payload (RFC 6690 CoRE link format, Content-Format 40): the objects the device
 * has, e.g. `</19/0/0>,</19/1/0>`. The ingress only checks it is well formed; what it needs (object 19)
 * it uses regardless, as IoTDA does.
 */
const LINK = /^<(\/[^<>]*)>((?:;[A-Za-z0-9!#$&+\-.^_`|~]+(?:=(?:"[^"]*"|[^,;"]*))?)*)$/;

/** The link targets, or undefined when the text is not link format. */
export function parseLinkFormat(text: string): string[] | undefined {
  const trimmed = text.trim();
  if (trimmed === '') return [];
  const paths: string[] = [];
  for (const link of splitOutsideQuotes(trimmed)) {
    const match = LINK.exec(link.trim());
    if (!match?.[1]) return undefined;
    paths.push(match[1]);
  }
  return paths;
}

function splitOutsideQuotes(text: string): string[] {
  const parts: string[] = [];
  let quoted = false;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '"') quoted = !quoted;
    else if (text[i] === ',' && !quoted) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts;
}
