import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { HEALTHCHECK_SCRIPT } from '../components/node-service.js';
import { REPO_ROOT } from '../components/shared.js';
import { STACK_DEFAULTS } from '../config.js';

const read = (path: string): string => readFileSync(join(REPO_ROOT, path), 'utf8');

describe.each(['dispatcher', 'coap-ingress'])('services/%s/Dockerfile', (service) => {
  const dockerfile = read(`services/${service}/Dockerfile`);

  it('builds on the same Node image the stack defaults to, overridable without a registry', () => {
    expect(dockerfile).toContain(`ARG NODE_IMAGE=${STACK_DEFAULTS.nodeImage}\nFROM \${NODE_IMAGE}`);
  });

  it('copies only the bundle, runs it as the unprivileged node user, with a HEALTHCHECK', () => {
    const copies = dockerfile.split('\n').filter((line) => /^(COPY|ADD)\b/.test(line));
    expect(copies).toEqual([`COPY services/${service}/dist/ /app/`]);
    expect(dockerfile).toMatch(/^USER node$/m);
    expect(dockerfile).toMatch(new RegExp(`^HEALTHCHECK .*\\n {2}CMD node ${HEALTHCHECK_SCRIPT} `, 'm'));
    expect(dockerfile).toMatch(/^CMD \["node", "\/app\/main.mjs"\]$/m);
  });

  it('is in the build context, with its bundle, and nothing else of the service is', () => {
    const rules = read('.dockerignore')
      .split('\n')
      .filter((line) => line && !line.startsWith('#'));
    expect(rules[0]).toBe('*');
    expect(rules).toEqual(expect.arrayContaining([`!services/${service}/Dockerfile`, `!services/${service}/dist/`]));
  });
});
