/**
 * `npm run bundle [-- <service>...]`: each service as one ESM file for its image, with everything it imports
 * at run time (workspace packages and npm dependencies alike) inside, so the image needs no node_modules and
 * carries only production code. Writes `services/<name>/dist/`, which is all its Dockerfile copies:
 * main.mjs, healthcheck.mjs, the files the service reads at run time, the bundled packages' licences
 * (main.mjs.LEGAL.txt) and their list with sizes (bundled-packages.json).
 */
import { cp, mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Metafile } from 'esbuild';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

interface ServiceBundle {
  name: string;
  entry: string;
  /** Files the service itself reads at run time, copied into dist/. */
  assets: { from: string; to: string }[];
  /**
   * Folders that a bundled npm package reads next to its own module at run time. In the bundle "next to its
   * module" is dist/, so they are copied there, from the very copy of the package that esbuild took.
   */
  packageAssets: { name: string; folder: string }[];
}

export const SERVICES: ServiceBundle[] = [
  {
    name: 'dispatcher',
    entry: 'services/dispatcher/src/main.ts',
    // The dispatcher builds its routes from the contract (SPEC_PATH points at this copy in the image).
    assets: [{ from: 'openapi/dist/openapi.yaml', to: 'openapi.yaml' }],
    // fastify-openapi-glue validates the contract against the OpenAPI meta-schemas, read from disk lazily.
    packageAssets: [{ name: '@seriousme/openapi-schema-validator', folder: 'schemas' }],
  },
  { name: 'coap-ingress', entry: 'services/coap-ingress/src/main.ts', assets: [], packageAssets: [] },
];

// CommonJS dependencies call require() and read __dirname; an ESM bundle has neither unless given them.
const CJS_SHIMS = [
  "import { createRequire as __snoozeCreateRequire } from 'node:module';",
  "import { fileURLToPath as __snoozeFileURLToPath } from 'node:url';",
  "import { dirname as __snoozeDirname } from 'node:path';",
  'const require = __snoozeCreateRequire(import.meta.url);',
  'const __filename = __snoozeFileURLToPath(import.meta.url);',
  'const __dirname = __snoozeDirname(__filename);',
].join('\n');

const WORKSPACE = '(workspace sources)';

/** Bytes in the output per npm package (node_modules/<package>/...), the workspace's own code as one entry. */
function packagesIn(metafile: Metafile): Record<string, number> {
  const sizes: Record<string, number> = {};
  for (const output of Object.values(metafile.outputs)) {
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
      const name = /.*node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(input)?.[1] ?? WORKSPACE;
      sizes[name] = (sizes[name] ?? 0) + bytesInOutput;
    }
  }
  return Object.fromEntries(Object.entries(sizes).sort(([, a], [, b]) => b - a));
}

function packageRoot(metafile: Metafile, name: string): string {
  const marker = `node_modules/${name}/`;
  const input = Object.keys(metafile.inputs).find((path) => path.includes(marker));
  if (!input) throw new Error(`${name} is not in the bundle any more: drop its packageAssets entry`);
  return join(ROOT, input.slice(0, input.indexOf(marker) + marker.length));
}

async function bundle(service: ServiceBundle): Promise<void> {
  const outdir = join(ROOT, 'services', service.name, 'dist');
  await rm(outdir, { recursive: true, force: true });
  await mkdir(outdir, { recursive: true });
  const { metafile } = await build({
    entryPoints: { main: join(ROOT, service.entry), healthcheck: join(ROOT, 'infra/images/healthcheck.ts') },
    outdir,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    outExtension: { '.js': '.mjs' },
    banner: { js: CJS_SHIMS },
    // Names stay as written: readable stack traces in production logs are worth more than the bytes.
    minifySyntax: true,
    minifyWhitespace: true,
    legalComments: 'linked',
    metafile: true,
    logLevel: 'warning',
  });
  for (const asset of service.assets) await cp(join(ROOT, asset.from), join(outdir, asset.to));
  for (const asset of service.packageAssets) {
    await cp(join(packageRoot(metafile, asset.name), asset.folder), join(outdir, asset.folder), { recursive: true });
  }
  const packages = packagesIn(metafile);
  await writeFile(join(outdir, 'bundled-packages.json'), `${JSON.stringify(packages, null, 2)}\n`);
  const bytes = Object.values(metafile.outputs).reduce((sum, output) => sum + output.bytes, 0);
  const count = Object.keys(packages).filter((name) => name !== WORKSPACE).length;
  process.stdout.write(
    `${service.name}: ${relative(ROOT, outdir)}/ ${(bytes / 1024 / 1024).toFixed(1)} MB of code, ${count} npm packages inside\n`,
  );
}

const only = process.argv.slice(2);
const unknown = only.filter((name) => !SERVICES.some((service) => service.name === name));
if (unknown.length > 0) {
  throw new Error(`unknown service(s) ${unknown.join(', ')}; known: ${SERVICES.map((s) => s.name).join(', ')}`);
}
await Promise.all(SERVICES.filter((service) => only.length === 0 || only.includes(service.name)).map(bundle));
