import * as pulumi from '@pulumi/pulumi';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadStackConfig, STACK_DEFAULTS, type StackConfig, StackConfigError } from '../config.js';

const TOKENS = 'tok-secret-1:proj-a';

function load(values: Record<string, string>): StackConfig {
  return loadStackConfig((key) => values[key], 'test');
}

function problems(values: Record<string, string>): string[] {
  try {
    load(values);
  } catch (error) {
    if (error instanceof StackConfigError) return error.problems;
    throw error;
  }
  throw new Error('the configuration was accepted');
}

const promiseOf = <T>(output: pulumi.Output<T> | undefined): Promise<T | undefined> =>
  new Promise((resolve) => (output ? output.apply(resolve) : resolve(undefined)));

beforeAll(async () => {
  await pulumi.runtime.setMocks({
    newResource: (args) => ({ id: args.name, state: args.inputs }),
    call: (args) => args.inputs,
  });
});

describe('stack configuration', () => {
  it('has working defaults once a credential is set', () => {
    expect(load({ apiTokens: TOKENS })).toMatchObject({
      stack: 'test',
      ...STACK_DEFAULTS,
      dispatcherEnv: {},
      ingressEnv: {},
    });
  });

  it('wraps credentials as secrets and leaves unset ones out', async () => {
    const config = load({ apiTokens: TOKENS, amqpUrl: 'amqp://u:p@rabbit:5672' });
    expect(await pulumi.isSecret(config.apiTokens as pulumi.Output<string>)).toBe(true);
    expect(await promiseOf(config.apiTokens)).toBe(TOKENS);
    expect(await pulumi.isSecret(config.amqpUrl as pulumi.Output<string>)).toBe(true);
    expect(config.apiKeys).toBeUndefined();
  });

  it('needs a token or an AK/SK key, and says how to set one', () => {
    expect(problems({})).toEqual([expect.stringContaining('pulumi config set --secret snooze:apiTokens')]);
    expect(() => load({ apiKeys: 'AK1:sk1:proj-a' })).not.toThrow();
  });

  it('checks credentials with the dispatcher’s parsers and never repeats them', () => {
    const found = problems({ apiTokens: 'tok-secret-1', apiKeys: 'AK1:sk-secret-2' });
    expect(found).toHaveLength(2);
    expect(found[0]).toMatch(/^snooze:apiTokens entry 1 is malformed/);
    expect(found[1]).toMatch(/^snooze:apiKeys entry 1 is malformed/);
    expect(found.join()).not.toMatch(/tok-secret-1|sk-secret-2/);
    expect(problems({ apiTokens: TOKENS, amqpUrl: 'http://u:pw@x' })).toEqual([
      'snooze:amqpUrl must be an amqp:// or amqps:// URL',
    ]);
  });

  it.each([
    ['dispatcherReplicas', '0', 'must be an integer from 1 to 16, got "0"'],
    ['ingressReplicas', 'two', 'must be an integer from 1 to 16, got "two"'],
    ['apiPort', '70000', 'must be an integer from 1 to 65535, got "70000"'],
    ['coapPort', '1.5', 'must be an integer from 1 to 65535, got "1.5"'],
    ['publishAddress', 'localhost', 'must be an IPv4 address, got "localhost"'],
    ['logLevel', 'verbose', 'must be one of fatal, error, warn, info, debug, trace, silent, got "verbose"'],
    ['redisImage', 'Redis 7', 'must be an image reference like redis:7, got "Redis 7"'],
    ['partitions', '0', 'must be an integer from 1 to 1024, got "0"'],
    ['redisKeyPrefix', 'a b', 'must be up to 64 of A-Z a-z 0-9 : _ . -, got "a b"'],
  ])('rejects %s = %s', (key, value, message) => {
    expect(problems({ apiTokens: TOKENS, [key]: value })).toEqual([`snooze:${key} ${message}`]);
  });

  it('keeps every replica’s host port in range', () => {
    expect(problems({ apiTokens: TOKENS, dispatcherReplicas: '3', apiPort: '65534' })).toEqual([
      'snooze:apiPort must be an integer from 1 to 65533, got "65534"',
    ]);
  });

  it('reports every problem at once', () => {
    const error = (() => {
      try {
        load({ dispatcherReplicas: '0', logLevel: 'loud' });
      } catch (caught) {
        return caught as Error;
      }
    })();
    expect(error).toBeInstanceOf(StackConfigError);
    expect((error as StackConfigError).problems).toHaveLength(3);
    expect(error?.message).toMatch(/^Invalid stack configuration .*\n {2}- snooze:dispatcherReplicas/);
  });

  it('takes extra environment as a map, but not for what the program sets itself', () => {
    const config = load({ apiTokens: TOKENS, dispatcherEnv: '{"NOTIFY_CONCURRENCY":8,"DEBUG_FLAG":true}' });
    expect(config.dispatcherEnv).toEqual({ NOTIFY_CONCURRENCY: '8', DEBUG_FLAG: 'true' });
    expect(problems({ apiTokens: TOKENS, ingressEnv: '{"REDIS_URL":"redis://elsewhere"}' })).toEqual([
      'snooze:ingressEnv may not set REDIS_URL: the program sets it from its own key (see infra/README.md)',
    ]);
    expect(problems({ apiTokens: TOKENS, ingressEnv: '{"lower":"x"}' })).toEqual([
      'snooze:ingressEnv has "lower", not an environment variable name',
    ]);
    expect(problems({ apiTokens: TOKENS, dispatcherEnv: '["A=1"]' })).toEqual([
      'snooze:dispatcherEnv must be a map of environment variables (NAME: value)',
    ]);
  });
});
