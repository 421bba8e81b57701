import { describe, expect, it } from 'vitest';
import { formatCompactTime, formatIsoMillis, parseCompactTime } from './iotda-time.js';

describe('IoTDA time formats', () => {
  it('formats epoch ms as yyyyMMddTHHmmssZ in UTC', () => {
    expect(formatCompactTime(Date.UTC(2015, 11, 12, 12, 12, 12, 999))).toBe('20151212T121212Z');
  });

  it('parses what it formats', () => {
    const ms = Date.UTC(2026, 10, 26, 13, 5, 42);
    expect(parseCompactTime(formatCompactTime(ms))).toBe(ms);
  });

  it('rejects malformed and impossible instants', () => {
    expect(parseCompactTime('2015-12-12T12:12:12Z')).toBeUndefined();
    expect(parseCompactTime('20151312T121212Z')).toBeUndefined();
    expect(parseCompactTime('20150230T000000Z')).toBeUndefined();
    expect(parseCompactTime('20151212T246000Z')).toBeUndefined();
  });

  it('formats millisecond ISO for event_time_ms', () => {
    expect(formatIsoMillis(Date.UTC(2019, 2, 3, 8, 10, 11))).toBe('2019-03-03T08:10:11.000Z');
  });
});
