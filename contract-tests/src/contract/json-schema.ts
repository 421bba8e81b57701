/**
 * OpenAPI 3.0 schemas are almost JSON Schema: `nullable` is the one keyword that changes what validates, and a
 * few others (`example`, `writeOnly`, `x-*`) are documentation that strict validators reject. Every validator the
 * suites use (Ajv here, gavel inside Dredd) gets the schema through this conversion, so all of them agree.
 */

/** The subset of JSON Schema the contract uses; generators and validators read it. */
export interface JsonSchema {
  $schema?: string;
  type?: string | string[];
  enum?: unknown[];
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  minProperties?: number;
  maxProperties?: number;
  items?: JsonSchema;
  maxItems?: number;
  allOf?: JsonSchema[];
  default?: unknown;
  description?: string;
}

const DOCUMENTATION_ONLY = new Set([
  'example',
  'examples',
  'writeOnly',
  'readOnly',
  'deprecated',
  'xml',
  'externalDocs',
]);

// Gavel picks its validator by `$schema`; without one it guesses draft-04, whose meta-schema some keywords fail.
const DRAFT_07 = 'http://json-schema.org/draft-07/schema#';

function convert(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(convert);
  if (!node || typeof node !== 'object') return node;
  const source = node as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(source)) {
    if (key === 'nullable' || DOCUMENTATION_ONLY.has(key) || key.startsWith('x-')) continue;
    // Inside `properties` the keys are field names, never keywords: a field called `example` must survive.
    out[key] = key === 'properties' ? convertProperties(value) : convert(value);
  }
  if (source.nullable === true) {
    if (typeof out.type === 'string') out.type = [out.type, 'null'];
    if (Array.isArray(out.enum)) out.enum = [...out.enum, null];
  }
  return out;
}

function convertProperties(value: unknown): unknown {
  if (!value || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).map(([name, schema]) => [name, convert(schema)]));
}

/** A standalone draft-07 schema for one OpenAPI 3.0 schema (already dereferenced). */
export function toJsonSchema(schema: object): JsonSchema {
  return { $schema: DRAFT_07, ...(convert(schema) as JsonSchema) };
}
