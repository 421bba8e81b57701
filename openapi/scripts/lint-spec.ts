/**
 * `npm run lint:spec`: bundle the contract, validate it against the OpenAPI 3.0 schema, then run Spectral with
 * openapi/.spectral.yaml. Any Spectral result fails, warnings and hints included.
 */
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import SwaggerParser from '@apidevtools/swagger-parser';
import { SPEC_BUNDLE, writeBundle } from './bundle-spec.js';

const require = createRequire(import.meta.url);
const spectralCli = join(dirname(require.resolve('@stoplight/spectral-cli/package.json')), 'dist', 'index.js');
const ruleset = join(dirname(SPEC_BUNDLE), '..', '.spectral.yaml');

await writeBundle();
console.log(`bundled ${relative(process.cwd(), SPEC_BUNDLE)}`);

// validate() dereferences in place, so it gets its own parse of the file rather than a shared object.
await SwaggerParser.validate(SPEC_BUNDLE);
console.log('swagger-parser: valid OpenAPI 3.0');

// Spawned with this node binary rather than through npx, so no shell or package download is involved.
const spectral = spawnSync(
  process.execPath,
  [spectralCli, 'lint', SPEC_BUNDLE, '--ruleset', ruleset, '--fail-severity', 'hint'],
  { stdio: 'inherit' },
);
if (spectral.status !== 0) {
  console.error('spectral: the contract has lint results (any severity fails the lint)');
  process.exit(spectral.status ?? 1);
}
