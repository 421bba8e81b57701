/**
 * Local stand-ins for the public base images the program names (no registry is reachable here), built on
 * a debootstrap Debian and tagged with exactly the names the plan uses, so the plan is applied unchanged.
 * One base serves both: Node is the host's own binary; Redis comes from Debian's package.
 */
import { copyFile, mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type Dockerode from 'dockerode';
import type { Plan } from '../plan/capture.js';
import { buildImage, type Log, seconds } from './engine.js';
import { DOCKER_TYPES } from './engine-spec.js';

const DOCKERFILES = dirname(fileURLToPath(import.meta.url));

type Kind = 'node' | 'redis';

/** Which stand-in each public image of the plan needs: service base images are Node, the store is Redis. */
export function standInsFor(plan: Plan): Map<string, Kind> {
  const needed = new Map<string, Kind>();
  for (const resource of plan.resources) {
    if (resource.type === DOCKER_TYPES.image) {
      const build = resource.inputs.build as { args?: Record<string, string> } | undefined;
      const base = build?.args?.NODE_IMAGE;
      if (base) needed.set(base, 'node');
    }
    if (resource.type === DOCKER_TYPES.remoteImage) {
      if (!resource.parent?.includes('snooze:infra:RedisStore')) {
        throw new Error(`no stand-in is known for the remote image of ${resource.name}: add one to stand-ins.ts`);
      }
      needed.set(resource.inputs.name as string, 'redis');
    }
  }
  return needed;
}

async function buildKind(docker: Dockerode, kind: Kind, tag: string, base: string, workDir: string): Promise<number> {
  const context = join(workDir, 'stand-ins', tag.replace(/[^A-Za-z0-9.-]/g, '_'));
  await mkdir(context, { recursive: true });
  await copyFile(join(DOCKERFILES, 'stand-ins', `${kind}.Dockerfile`), join(context, 'Dockerfile'));
  const files = ['Dockerfile'];
  if (kind === 'node') {
    await copyFile(process.execPath, join(context, 'node'));
    files.push('node');
  }
  return buildImage(docker, {
    context,
    files,
    tag,
    dockerfile: 'Dockerfile',
    buildArgs: { BASE: base },
    // apt-get needs the network; this engine has no default bridge, so the build uses the host's.
    networkMode: 'host',
  });
}

/** Builds every stand-in the plan needs (in parallel); returns their sizes by tag. */
export async function buildStandIns(
  docker: Dockerode,
  plan: Plan,
  base: string,
  workDir: string,
  log: Log,
): Promise<Map<string, number>> {
  const sizes = new Map<string, number>();
  await Promise.all(
    [...standInsFor(plan)].map(async ([tag, kind]) => {
      const started = performance.now();
      sizes.set(tag, await buildKind(docker, kind, tag, base, workDir));
      log(`stand-in ${tag} (${kind}): built in ${seconds(started)}`);
    }),
  );
  return sizes;
}
