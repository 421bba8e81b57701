import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';

/**
 * A server under test in its own process, so the load generator and the server do not share one event loop
 * (on a 2-core machine each gets a core). Started with node + tsx directly, stopped by its own PID.
 * BENCH_PROFILE_DIR: each child writes a CPU profile there when it exits.
 */
export async function startChild(script: string, env: Record<string, string>, readyUrl: string): Promise<ChildProcess> {
  const profileDir = process.env.BENCH_PROFILE_DIR;
  const profile = profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [];
  const child = spawn(process.execPath, [...profile, '--import', 'tsx', script], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${script} exited with ${child.exitCode}`);
    try {
      if ((await fetch(readyUrl)).ok) return child;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  child.kill('SIGKILL');
  throw new Error(`${script} did not become ready at ${readyUrl}`);
}

export async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  child.kill('SIGTERM');
  await once(child, 'exit');
}

/**
 * The NODE_OPTIONS a service's image runs it with (its Dockerfile's `NODE_OPTIONS=`, quoted or not), as a
 * list of flags, so a benchmark runs the service as deployed; empty when the image sets none.
 */
export function imageNodeOptions(service: 'dispatcher' | 'coap-ingress'): string[] {
  const dockerfile = readFileSync(new URL(`../../services/${service}/Dockerfile`, import.meta.url), 'utf8');
  const match = /^\s*(?:ENV\s+)?NODE_OPTIONS=(?:"([^"]*)"|(\S+))/m.exec(dockerfile);
  return (match?.[1] ?? match?.[2] ?? '').split(/\s+/).filter(Boolean);
}
