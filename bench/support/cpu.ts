import { readFile } from 'node:fs/promises';
import { cpus } from 'node:os';

/** CPU time counters of the machine and of chosen processes (Linux /proc), in clock ticks. */
export interface CpuSnapshot {
  busy: number;
  total: number;
  processes: Record<string, number>;
}

async function machineTicks(): Promise<{ busy: number; total: number }> {
  const [, ...fields] = (await readFile('/proc/stat', 'utf8')).split('\n')[0]?.trim().split(/\s+/) ?? [];
  const ticks = fields.map(Number);
  const total = ticks.reduce((a, b) => a + b, 0);
  return { busy: total - (ticks[3] ?? 0) - (ticks[4] ?? 0), total };
}

/** utime + stime of a process (fields 14 and 15 of /proc/<pid>/stat; the name in parentheses may hold spaces). */
async function processTicks(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11] ?? 0) + Number(fields[12] ?? 0);
}

export async function snapshot(pids: Record<string, number>): Promise<CpuSnapshot> {
  const entries = await Promise.all(Object.entries(pids).map(async ([name, pid]) => [name, await processTicks(pid)]));
  return { ...(await machineTicks()), processes: Object.fromEntries(entries) };
}

/**
 * What each process used between two snapshots, in % of one core, and `others`: what every other process on
 * the machine used meanwhile (the machine is shared; a run others disturbed is not a measurement of this system).
 */
export function cpuShares(before: CpuSnapshot, after: CpuSnapshot): Record<string, number> {
  const cores = cpus().length;
  const perCore = (after.total - before.total) / cores;
  const shares: Record<string, number> = {};
  let ours = 0;
  for (const [name, ticks] of Object.entries(after.processes)) {
    const used = ticks - (before.processes[name] ?? 0);
    ours += used;
    shares[name] = Math.round((100 * used) / perCore);
  }
  shares.others = Math.max(0, Math.round((100 * (after.busy - before.busy - ours)) / perCore));
  return shares;
}

/** Share of CPU time idle over `ms`. */
async function idleShare(ms: number): Promise<number> {
  const a = await machineTicks();
  await new Promise((resolve) => setTimeout(resolve, ms));
  const b = await machineTicks();
  return 1 - (b.busy - a.busy) / Math.max(1, b.total - a.total);
}

/** Waits, up to `maxWaitS`, until at least 90% of the CPU is idle; returns the idle share last seen. */
export async function waitForQuiet(maxWaitS: number): Promise<number> {
  const until = Date.now() + maxWaitS * 1000;
  let idle = await idleShare(2_000);
  while (idle < 0.9 && Date.now() < until) {
    console.info(`waiting for a quiet machine (${Math.round(idle * 100)}% idle)`);
    idle = await idleShare(5_000);
  }
  return idle;
}
