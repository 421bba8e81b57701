/**
 * Regenerates everything derived from the contract: the bundled spec and the TypeScript client types.
 *   npm run generate          writes openapi/dist/openapi.yaml and clients/typescript/src/schema.ts
 *   npm run check:generated   regenerates in memory and fails if a committed file differs
 */
import { readFile, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import openapiTS, { astToString, type OpenAPI3 } from 'openapi-typescript';
import { parse } from 'yaml';
import { bundleSpec, SPEC_BUNDLE } from '../openapi/scripts/bundle-spec.js';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const SCHEMA_TS = join(root, 'clients', 'typescript', 'src', 'schema.ts');

const SCHEMA_HEADER = `/**
 * Types of the Snooze API, generated from openapi/ (openapi/dist/openapi.yaml) by scripts/generate.ts.
 * Do not edit: change the contract and run \`npm run generate\`.
 */

`;

async function schemaTs(specYaml: string): Promise<string> {
  // emptyObjectsUnknown: a free-form object such as `paras` would otherwise become Record<string, never>.
  // defaultNonNullable off: a field with a default (sni_enable, app_type...) stays optional in request bodies.
  const ast = await openapiTS(parse(specYaml) as OpenAPI3, {
    emptyObjectsUnknown: true,
    defaultNonNullable: false,
    silent: true,
  });
  return SCHEMA_HEADER + astToString(ast);
}

async function readOrEmpty(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch {
    return '';
  }
}

const spec = await bundleSpec();
const outputs = new Map([
  [SPEC_BUNDLE, spec],
  [SCHEMA_TS, await schemaTs(spec)],
]);

if (process.argv.includes('--check')) {
  const drifted: string[] = [];
  for (const [path, text] of outputs) {
    if ((await readOrEmpty(path)) !== text) drifted.push(relative(root, path));
  }
  if (drifted.length > 0) {
    console.error(
      `Generated files are out of date with openapi/:\n${drifted.map((p) => `  - ${p}`).join('\n')}\n` +
        'Run `npm run generate` and commit the result.',
    );
    process.exit(1);
  }
  console.log('generated files are up to date');
} else {
  for (const [path, text] of outputs) {
    await writeFile(path, text);
    console.log(`wrote ${relative(root, path)}`);
  }
}
