/**
 * The error catalogue: every error the service can answer, with its IoTDA-style code and HTTP status.
 * Codes from the IoTDA reference (§8.3, rules §7) are reused; the ones IoTDA does not publish are
 * invented in the same `IOTDA.xxxxxx` shape and marked so. The OpenAPI contract lists the same codes;
 * a test keeps the two in step.
 */
export const ERRORS = {
  INTERNAL: { code: 'IOTDA.000001', status: 500, message: 'Internal server error.' }, // invented
  UNAUTHORIZED: { code: 'IOTDA.000002', status: 401, message: 'Authentication failed. The request is unauthorized.' },
  ROUTE_NOT_FOUND: { code: 'IOTDA.000005', status: 404, message: 'The requested API does not exist.' }, // invented
  INVALID_INPUT: { code: 'IOTDA.000006', status: 400, message: 'Invalid input data.' },
  BAD_REQUEST: {
    code: 'IOTDA.000008',
    status: 400,
    message: 'Invalid input. Bad request, for more detail, refer to the error message.',
  },
  INVALID_TIME_FORMAT: { code: 'IOTDA.000009', status: 400, message: 'Invalid input. Invalid time format.' },
  TIME_RANGE: {
    code: 'IOTDA.000010',
    status: 400,
    message: 'Invalid input. The start time must be earlier than the end time.',
  },
  LIMIT_OUT_OF_RANGE: {
    code: 'IOTDA.000017',
    status: 400,
    message: "Invalid input. The specified parameter 'limit' is out of range.",
  },
  FORBIDDEN: {
    code: 'IOTDA.000021',
    status: 403,
    message: 'Operation not allowed. The credentials do not grant access to this project.',
  },
  PAYLOAD_TOO_LARGE: { code: 'IOTDA.000024', status: 413, message: 'The request body is too large.' }, // invented
  RATE_LIMITED: { code: 'IOTDA.021101', status: 429, message: 'Request reached the maximum rate limit.' },
  DEVICE_NOT_FOUND: { code: 'IOTDA.014000', status: 404, message: 'The device does not exist.' },
  DEVICE_EXISTS: { code: 'IOTDA.014031', status: 400, message: 'Invalid input. The device already exists.' },
  NODE_ID_EXISTS: {
    code: 'IOTDA.014032', // invented
    status: 400,
    message: 'Invalid input. The node_id is already used by another device.',
  },
  COMMAND_NOT_FOUND: { code: 'IOTDA.014113', status: 404, message: 'The command does not exist.' }, // invented
  COMMAND_CACHE_FULL: {
    code: 'IOTDA.014114', // invented
    status: 400,
    message: 'The device already has the maximum number of cached (PENDING) commands.',
  },
  RULE_INVALID: { code: 'IOTDA.010000', status: 400, message: 'Invalid input for this rule.' },
  RULE_NOT_FOUND: { code: 'IOTDA.010002', status: 404, message: 'The rule does not exist.' },
  ACTION_INVALID: { code: 'IOTDA.010005', status: 400, message: 'Invalid parameter in the rule action.' },
  ACTION_NOT_FOUND: { code: 'IOTDA.010006', status: 404, message: 'The rule action does not exist.' }, // invented
} as const satisfies Record<string, { code: string; status: number; message: string }>;

export type ErrorKey = keyof typeof ERRORS;

/** A failure the caller can act on; transports render it as `{error_code, error_msg}` with its status. */
export class AppError extends Error {
  readonly key: ErrorKey;
  readonly code: string;
  readonly status: number;

  constructor(key: ErrorKey, detail?: string) {
    const entry = ERRORS[key];
    super(detail ? `${entry.message} ${detail}` : entry.message);
    this.name = 'AppError';
    this.key = key;
    this.code = entry.code;
    this.status = entry.status;
  }
}
