/**
 * Every failure leaves as `{error_code, error_msg}` with the catalogue's status: the framework's own errors
 * (bad JSON, body too large, schema violations, failed security handlers) are translated here, so no request
 * can ever see fastify's default error shape or a 500 for bad input.
 */
import { AppError, ERRORS, type ErrorKey } from '@snooze/core';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { SchemaIssue } from './validation.js';

export interface ErrorBody {
  error_code: string;
  error_msg: string;
}

export function errorBody(error: AppError): ErrorBody {
  return { error_code: error.code, error_msg: error.message };
}

function fromValidation(context: string | undefined, issues: SchemaIssue[]): AppError {
  const issue = issues[0];
  const field = issue ? `${issue.instancePath.replace(/^\//, '').replaceAll('/', '.')}` : '';
  const name = field || String(issue?.params.missingProperty ?? issue?.params.additionalProperty ?? '');
  const where = context ? `${context}${name ? `.${name}` : ''}` : name;
  const detail = `${where}: ${issue?.message ?? 'is invalid'}${extra(issue)}`.trim();
  if (context === 'querystring' && (name === 'limit' || name === 'offset')) {
    return new AppError(name === 'limit' ? 'LIMIT_OUT_OF_RANGE' : 'INVALID_INPUT', detail);
  }
  if (context === 'querystring' && (name === 'start_time' || name === 'end_time')) {
    return new AppError('INVALID_TIME_FORMAT', detail);
  }
  return new AppError('INVALID_INPUT', detail);
}

function extra(issue: SchemaIssue | undefined): string {
  if (!issue) return '';
  if (issue.params.allowedValues) return ` (${(issue.params.allowedValues as unknown[]).join(', ')})`;
  if (issue.params.additionalProperty) return ` (${String(issue.params.additionalProperty)})`;
  return '';
}

const FRAMEWORK_ERRORS: Record<string, ErrorKey> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'BAD_REQUEST',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'BAD_REQUEST',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'BAD_REQUEST',
  FST_ERR_CTP_INVALID_JSON_BODY: 'BAD_REQUEST',
  FST_ERR_MAX_PARAM_LENGTH: 'INVALID_INPUT',
};

export function toAppError(error: FastifyError & { validation?: SchemaIssue[] }): AppError {
  if (error instanceof AppError) return error;
  if (error.validation) return fromValidation(error.validationContext, error.validation);
  const mapped = error.code ? FRAMEWORK_ERRORS[error.code] : undefined;
  if (mapped) return new AppError(mapped, error.message);
  if (error instanceof SyntaxError) return new AppError('BAD_REQUEST', 'The body is not valid JSON.');
  if (error.statusCode === 401) return new AppError('UNAUTHORIZED');
  if (error.statusCode === 413) return new AppError('PAYLOAD_TOO_LARGE');
  if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
    return new AppError('BAD_REQUEST', error.message);
  }
  return new AppError('INTERNAL');
}

export function handleError(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const appError = toAppError(error);
  if (appError.status >= 500) {
    request.log.error({ err: error }, 'request failed');
  } else {
    request.log.info({ code: appError.code, msg: appError.message }, 'request rejected');
  }
  void reply.code(appError.status).send(errorBody(appError));
}

export const INTERNAL_ERROR_BODY: ErrorBody = { error_code: ERRORS.INTERNAL.code, error_msg: ERRORS.INTERNAL.message };
