import { type Logger, pino } from 'pino';

/** JSON logs to stdout; every line names its service, request lines carry `request_id` (see http/app.ts). */
export function createLogger(level: string, service?: string): Logger {
  return pino({ level, ...(service ? { base: { service } } : {}) });
}

export type { Logger };
