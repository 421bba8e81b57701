/**
 * IoTDA's wire time formats. The compact one (`yyyyMMdd'T'HHmmss'Z'`, UTC) is used by every API field and
 * filter; the millisecond ISO one only by `event_time_ms` in pushed notifications.
 */
const COMPACT = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;

export function formatCompactTime(epochMs: number): string {
  return new Date(epochMs)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
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
