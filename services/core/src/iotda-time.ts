/**
 * IoTDA's wire time formats. The compact one (`yyyyMMdd'T'HHmmss'Z'`, UTC) is used by every API field and
 * filter; the millisecond ISO one only by `event_time_ms` in pushed notifications.
 */
const COMPACT = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;

/** `2024-11-27T20:15:05.312Z` → `20241127T201505Z` by position: every push formats five of these. */
export function formatCompactTime(epochMs: number): string {
  const iso = new Date(epochMs).toISOString();
  return `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}Z`;
}

/** Returns undefined for text that is not a real UTC instant in the compact format (e.g. month 13). */
export function parseCompactTime(text: string): number | undefined {
  const m = COMPACT.exec(text);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s] = m.map(Number) as number[];
  const ms = Date.UTC(y as number, (mo as number) - 1, d, h, mi, s);
  const back = new Date(ms);
  const exact =
    back.getUTCFullYear() === y &&
    back.getUTCMonth() === (mo as number) - 1 &&
    back.getUTCDate() === d &&
    back.getUTCHours() === h &&
    back.getUTCMinutes() === mi &&
    back.getUTCSeconds() === s;
  return exact ? ms : undefined;
}

export function formatIsoMillis(epochMs: number): string {
  return new Date(epochMs).toISOString();
}
