/**
 * Validation compiled from the spec's schemas. Bodies, path parameters and headers are checked strictly:
 * nothing is stripped and nothing is coerced, so `"expire_time": "60"` is an error, not 60. Query strings
 * are text by nature, so only they are coerced to the declared number/boolean types.
 */
import { Ajv, type Options } from 'ajv';
import addFormats from 'ajv-formats';
import type { FastifySchemaCompiler } from 'fastify';

// OpenAPI keywords that are documentation, not validation.
const OPENAPI_KEYWORDS = ['example', 'x-max-bytes', 'xml', 'externalDocs', 'discriminator'];

function makeAjv(options: Options): Ajv {
  const ajv = new Ajv({ allErrors: false, removeAdditional: false, useDefaults: true, ...options });
  addFormats.default(ajv);
  for (const keyword of OPENAPI_KEYWORDS) ajv.addKeyword(keyword);
  return ajv;
}

export function createValidatorCompiler(): FastifySchemaCompiler<unknown> {
  const strict = makeAjv({ coerceTypes: false });
  const query = makeAjv({ coerceTypes: true });
  return ({ schema, httpPart }) => {
    const ajv = httpPart === 'querystring' ? query : strict;
    const validate = ajv.compile(schema as object);
    return (data: unknown) => (validate(data) ? { value: data } : { error: validationError(validate.errors ?? []) });
  };
}

export interface SchemaIssue {
  instancePath: string;
  keyword: string;
  message?: string;
  params: Record<string, unknown>;
}

/** Fastify reads `validation` off the error and adds `validationContext` (body, querystring, ...). */
function validationError(errors: SchemaIssue[]): Error & { validation: SchemaIssue[] } {
  return Object.assign(new Error('validation failed'), { validation: errors });
}
