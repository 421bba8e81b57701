/**
 * Ways to break a valid request, for the fuzzer: a body with a required field missing, a field of the wrong type,
 * an unknown field, a body that is not an object or not JSON at all, and parameter values outside their schema.
 * Whatever the server makes of them, its answer must still be one the spec documents.
 */
import fc from 'fast-check';
import type { JsonSchema } from '../contract/json-schema.js';

type Json = Record<string, unknown>;

const WRONG_TYPES: fc.Arbitrary<unknown> = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.integer(),
  fc.string({ maxLength: 6 }),
  fc.constant([]),
  fc.constant({}),
);

/** A JSON text that is not a valid body: broken, empty, or valid JSON of the wrong shape. */
export const brokenBodyText: fc.Arbitrary<string> = fc.oneof(
  fc.constant(''),
  fc.constant('{'),
  fc.constant('{"paras": '),
  fc.constant('null'),
  fc.constant('[]'),
  fc.constant('"text"'),
  fc.constant('{"__proto__": {"polluted": true}}'),
  fc.string({ maxLength: 30 }),
  fc.jsonValue({ maxDepth: 1 }).map((value) => JSON.stringify(value) ?? 'null'),
);

/** One valid body made invalid in one way. */
export function brokenBody(valid: fc.Arbitrary<unknown>, schema: JsonSchema): fc.Arbitrary<unknown> {
  const names = Object.keys(schema.properties ?? {});
  const required = schema.required ?? [];
  const objects = valid.map((body) => (body && typeof body === 'object' ? (body as Json) : {}));
  const mutations: fc.Arbitrary<unknown>[] = [
    fc
      .tuple(objects, fc.string({ minLength: 1, maxLength: 10 }), fc.jsonValue({ maxDepth: 1 }))
      .map(([body, name, value]) => ({ ...body, [`x_${name}`]: value })),
  ];
  if (required.length > 0) {
    mutations.push(
      fc.tuple(objects, fc.constantFrom(...required)).map(([body, name]) => {
        const { [name]: _, ...rest } = body;
        return rest;
      }),
    );
  }
  if (names.length > 0) {
    mutations.push(
      fc
        .tuple(objects, fc.constantFrom(...names), WRONG_TYPES)
        .map(([body, name, value]) => ({ ...body, [name]: value })),
    );
  }
  return fc.oneof(...mutations);
}

/** A query or path value outside `schema` (usually: the server may still accept some of them). */
export function brokenParameter(schema: JsonSchema): fc.Arbitrary<string> {
  const candidates: fc.Arbitrary<string>[] = [
    fc.constant(''),
    fc.string({ unit: 'grapheme', minLength: 1, maxLength: 12 }),
    fc.string({ minLength: 129, maxLength: 200 }),
  ];
  if (schema.type === 'integer') {
    candidates.push(
      fc.constantFrom('1.5', '-1', '1e3', '0x10', 'NaN'),
      fc.integer().map(String),
      fc.constant(String((schema.maximum ?? 0) + 1)),
    );
  }
  if (schema.enum) candidates.push(fc.constantFrom(...schema.enum.map((v) => `${String(v)}_X`), 'lowercase'));
  return fc.oneof(...candidates);
}
