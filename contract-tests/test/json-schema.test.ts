import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { toJsonSchema } from '../src/contract/json-schema.js';

describe('OpenAPI 3.0 schemas as JSON Schema', () => {
  const ajv = new Ajv({ strict: true });

  it('turns nullable into a null type, and drops documentation keywords', () => {
    const schema = toJsonSchema({
      type: 'object',
      nullable: true,
      example: { a: 1 },
      'x-max-bytes': 10,
      properties: { example: { type: 'string', writeOnly: true, enum: ['a'], nullable: true } },
    });
    const validate = ajv.compile(schema);
    expect(validate(null)).toBe(true);
    expect(validate({ example: null })).toBe(true);
    expect(validate({ example: 'a' })).toBe(true);
    expect(validate({ example: 'b' })).toBe(false);
    expect(validate(7)).toBe(false);
  });
});
