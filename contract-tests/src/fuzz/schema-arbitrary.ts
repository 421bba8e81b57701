/**
 * Values that validate against a (JSON Schema view of a) schema of the spec, for the fuzzer. It covers the
 * keywords the contract uses; fields can be given generators of their own where the spec's schema allows values a
 * test must not send (a rule action's URL, which the server will call) or where existing ids make better input.
 */
import fc from 'fast-check';
import type { JsonSchema } from '../contract/json-schema.js';

/** Generators for named object properties, used instead of their schema wherever they occur. */
export type FieldArbitraries = Record<string, fc.Arbitrary<unknown>>;

// Long strings find length bugs only at their limits; in between they just cost time.
const SHORT = 24;

function stringArbitrary(schema: JsonSchema): fc.Arbitrary<string> {
  const min = schema.minLength ?? 0;
  const max = schema.maxLength ?? SHORT * 4;
  if (schema.pattern) {
    const pattern = new RegExp(schema.pattern);
    return fc.stringMatching(pattern).filter((s) => s.length >= min && s.length <= max && pattern.test(s));
  }
  return fc.oneof(
    { weight: 4, arbitrary: fc.string({ unit: 'grapheme', minLength: min, maxLength: Math.min(max, SHORT) }) },
    { weight: 1, arbitrary: fc.string({ minLength: Math.max(min, max - 2), maxLength: max }) },
  );
}

function objectArbitrary(schema: JsonSchema, fields: FieldArbitraries): fc.Arbitrary<Record<string, unknown>> {
  const properties = schema.properties ?? {};
  if (Object.keys(properties).length === 0) {
    // Free-form (`paras`, `extension_info`): any small JSON object.
    return fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 });
  }
  const shape = Object.fromEntries(
    Object.entries(properties).map(([name, property]) => [name, fields[name] ?? schemaArbitrary(property, fields)]),
  );
  const record = fc.record(shape, { requiredKeys: schema.required ?? [] });
  const { minProperties = 0, maxProperties = Number.POSITIVE_INFINITY } = schema;
  return record.filter((value) => {
    const count = Object.keys(value).length;
    return count >= minProperties && count <= maxProperties;
  });
}

export function schemaArbitrary(schema: JsonSchema, fields: FieldArbitraries = {}): fc.Arbitrary<unknown> {
  if (schema.allOf) return schemaArbitrary(Object.assign({}, ...schema.allOf, { ...schema, allOf: undefined }), fields);
  if (schema.enum) return fc.constantFrom(...schema.enum);
  const types = Array.isArray(schema.type) ? schema.type : [schema.type];
  const nonNull = types.find((type) => type !== 'null');
  const value = ((): fc.Arbitrary<unknown> => {
    switch (nonNull) {
      case 'string':
        return stringArbitrary(schema);
      case 'integer':
        return fc.integer({ min: schema.minimum ?? -1_000_000, max: schema.maximum ?? 1_000_000 });
      case 'number':
        return fc.double({ min: schema.minimum ?? -1e9, max: schema.maximum ?? 1e9, noNaN: true });
      case 'boolean':
        return fc.boolean();
      case 'array':
        return fc.array(schemaArbitrary(schema.items ?? {}, fields), { maxLength: Math.min(schema.maxItems ?? 4, 4) });
      default:
        return objectArbitrary(schema, fields);
    }
  })();
  return types.includes('null') ? fc.option(value, { nil: null }) : value;
}
