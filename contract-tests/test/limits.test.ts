import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { PARAS_MAX_BYTES } from '../src/contract/limits.js';
import { SPEC_BUNDLE } from '../src/contract/spec.js';

describe('limits the spec states outside JSON Schema', () => {
  it('knows the paras limit of the spec', async () => {
    const spec = parse(await readFile(SPEC_BUNDLE, 'utf8'));
    expect(PARAS_MAX_BYTES).toBe(spec.components.schemas.Paras['x-max-bytes']);
  });
});
