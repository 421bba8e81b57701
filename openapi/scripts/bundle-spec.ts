/**
 * Bundles the split contract (openapi/openapi.yaml and the files it references) into the single file every tool
 * reads, openapi/dist/openapi.yaml. Run: `npm run bundle:spec`.
 */
import { writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import SwaggerParser from '@apidevtools/swagger-parser';
import { stringify } from 'yaml';

const openapiDir = dirname(dirname(fileURLToPath(import.meta.url)));
export const SPEC_ROOT = join(openapiDir, 'openapi.yaml');
export const SPEC_BUNDLE = join(openapiDir, 'dist', 'openapi.yaml');

const HEADER = '# Generated from openapi/openapi.yaml by `npm run bundle:spec`. Do not edit; edit the split files.\n';

// A ref the bundler had to point into a path item means a reusable piece is missing from the root's
// `components`; the bundle would still be valid but unreadable, and generated type names would depend on it.
const COMPONENT_REF = /^#\/components\/[A-Za-z]+\/[A-Za-z0-9_-]+$/;

function strayRefs(node: unknown, at = '#', found: string[] = []): string[] {
  if (Array.isArray(node)) {
    for (const [i, item] of node.entries()) strayRefs(item, `${at}/${i}`, found);
  } else if (node && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      if (key === '$ref' && typeof value === 'string' && !COMPONENT_REF.test(value)) found.push(`${at}: ${value}`);
      else strayRefs(value, `${at}/${key}`, found);
    }
  }
  return found;
}

/** The bundled contract as YAML text, exactly as it is committed. */
export async function bundleSpec(): Promise<string> {
  const api = await SwaggerParser.bundle(SPEC_ROOT);
  const stray = strayRefs(api);
  if (stray.length > 0) {
    throw new Error(
      `refs outside #/components (list these pieces under components in openapi.yaml):\n${stray.join('\n')}`,
    );
  }
  // compat yaml-1.1 quotes scalars such as ON/OFF that YAML 1.1 readers (Java, Python tools) take for booleans.
  return HEADER + stringify(api, { aliasDuplicateObjects: false, lineWidth: 120, compat: 'yaml-1.1' });
}

export async function writeBundle(): Promise<string> {
  const text = await bundleSpec();
  await writeFile(SPEC_BUNDLE, text);
  return text;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await writeBundle();
  console.log(`bundled ${relative(process.cwd(), SPEC_BUNDLE)}`);
}
