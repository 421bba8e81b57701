import { describe, expect, it } from 'vitest';
import { parseApiKeys, parseApiTokens } from './credentials.js';

describe('parseApiTokens', () => {
  it('maps each token to its project, ignoring blanks and surrounding spaces', () => {
    const tokens = parseApiTokens(' tokA:proj_a , tokB:proj-b,, ');
    expect([...tokens]).toEqual([
      ['tokA', 'proj_a'],
      ['tokB', 'proj-b'],
    ]);
  });

  it('reads unset or empty as no tokens', () => {
    expect(parseApiTokens(undefined).size).toBe(0);
    expect(parseApiTokens('').size).toBe(0);
  });

  it.each([
    ['no project', 'ok:p1,s3cretTokenOnly', 'API_TOKENS entry 2 is malformed: expected "token:project_id"'],
    ['too many fields', 's3cret:p1:extra', 'API_TOKENS entry 1 is malformed'],
    ['empty token', ':p1', 'API_TOKENS entry 1 is malformed'],
    ['empty project', 's3cret:', 'API_TOKENS entry 1 is malformed'],
    ['whitespace in the token', 's3 cret:p1', 'API_TOKENS entry 1: the token must be non-empty'],
    ['bad project id', 's3cret:p/1', 'API_TOKENS entry 1: project_id must match'],
    ['duplicate token', 's3cret:p1,s3cret:p2', 'API_TOKENS entry 2: the same token is listed twice'],
  ])('rejects %s, naming the entry but not the token', (_, raw, message) => {
    expect(() => parseApiTokens(raw)).toThrow(message);
    try {
      parseApiTokens(raw);
    } catch (error) {
      expect((error as Error).message).not.toContain('s3');
    }
  });
});

describe('parseApiKeys', () => {
  it('maps each access key to its secret and project', () => {
    const keys = parseApiKeys('AK1:sk/1+=:p1, AK2:sk2:p2');
    expect(keys.get('AK1')).toEqual({ ak: 'AK1', sk: 'sk/1+=', projectId: 'p1' });
    expect(keys.get('AK2')).toEqual({ ak: 'AK2', sk: 'sk2', projectId: 'p2' });
    expect(keys.size).toBe(2);
  });

  it('reads unset or empty as no keys', () => {
    expect(parseApiKeys(undefined).size).toBe(0);
    expect(parseApiKeys(' , ').size).toBe(0);
  });

  it.each([
    [
      'two fields',
      'AK1:s3cret',
      'API_KEYS entry 1 is malformed: expected "ak:sk:project_id" (3 non-empty fields), got 2',
    ],
    ['four fields', 'AK1:s3cret:p1:x', 'API_KEYS entry 1 is malformed'],
    ['an empty secret', 'AK1::p1', 'API_KEYS entry 1 is malformed'],
    ['a bad access key', 'AK/1:s3cret:p1', 'API_KEYS entry 1: the access key must match'],
    ['whitespace in the secret', 'AK1:s3 cret:p1', 'API_KEYS entry 1 (AK "AK1"): the secret key must be non-empty'],
    ['a bad project id', 'AK1:s3cret:p 1', 'API_KEYS entry 1 (AK "AK1"): project_id must match'],
    ['a duplicate access key', 'AK1:s3cret:p1,AK1:s3cret2:p2', 'API_KEYS entry 2: access key "AK1" is listed twice'],
  ])('rejects %s, naming the entry but not the secret', (_, raw, message) => {
    expect(() => parseApiKeys(raw)).toThrow(message);
    try {
      parseApiKeys(raw);
    } catch (error) {
      expect((error as Error).message).not.toContain('s3');
    }
  });

  it('names the variable it was given', () => {
    expect(() => parseApiKeys('bad', 'DISPATCHER_KEYS')).toThrow('DISPATCHER_KEYS entry 1');
  });
});
