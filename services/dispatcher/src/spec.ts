import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

/** The bundled contract next to the sources; containers point SPEC_PATH at their copy. */
export const DEFAULT_SPEC_PATH = fileURLToPath(new URL('../../../openapi/dist/openapi.yaml', import.meta.url));

export async function loadSpec(path = DEFAULT_SPEC_PATH): Promise<Record<string, unknown>> {
  return parse(await readFile(path, 'utf8')) as Record<string, unknown>;
}
