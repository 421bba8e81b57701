/** Query-string parameters shared by the list operations, turned into the core's paging and filters. */
import {
  AppError,
  type CommandFilter,
  type CommandStatus,
  LIMITS,
  type PageQuery,
  parseCompactTime,
} from '@snooze/core';

export interface PagingQuery {
  limit?: number;
  offset?: number;
  marker?: string;
}

export interface TimeRangeQuery {
  start_time?: string;
  end_time?: string;
}

export function toPageQuery(query: PagingQuery): PageQuery {
  return {
    limit: query.limit ?? LIMITS.pageLimitDefault,
    offset: query.offset ?? 0,
    ...(query.marker === undefined ? {} : { marker: query.marker }),
  };
}

/** The schema checks the shape of a time; this checks that it is a real instant (no month 13). */
function instant(name: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const ms = parseCompactTime(text);
  if (ms === undefined)
    throw new AppError('INVALID_TIME_FORMAT', `${name}: "${text}" is not a valid yyyyMMdd'T'HHmmss'Z' time.`);
  return ms;
}

export function toTimeRange(query: TimeRangeQuery): { startTime?: number; endTime?: number } {
  const startTime = instant('start_time', query.start_time);
  const endTime = instant('end_time', query.end_time);
  return {
    ...(startTime === undefined ? {} : { startTime }),
    ...(endTime === undefined ? {} : { endTime }),
  };
}

export function toCommandFilter(
  query: TimeRangeQuery & { status?: CommandStatus; command_name?: string },
): CommandFilter {
  return {
    ...toTimeRange(query),
    ...(query.status === undefined ? {} : { status: query.status }),
    ...(query.command_name === undefined ? {} : { commandName: query.command_name }),
  };
}
