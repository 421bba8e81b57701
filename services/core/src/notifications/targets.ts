import { COMMAND_STATUS_SUBJECT, type RuleAction } from '../rules/model.js';

/** Where the active actions come from: RuleService in production. */
export interface ActiveActionSource {
  activeActions(projectId: string, resource: string, event: string): Promise<RuleAction[]>;
}

interface Cached {
  at: number;
  actions: Promise<RuleAction[]>;
}

/** Past this many cached projects, stale entries are swept on the next miss. */
const SWEEP_AT = 10_000;

/**
 * The active `device.command.status`/`update` actions of each project, cached for `ttlMs`: the fan-out asks
 * for every event and the outbox lanes for every round, while rules change rarely. A rule activated,
 * deactivated or deleted, or an action deleted or edited, takes effect within `ttlMs`. Concurrent misses of
 * one project share one read; a failed read is not cached.
 */
export class TargetCache {
  private readonly cache = new Map<string, Cached>();

  constructor(
    private readonly source: ActiveActionSource,
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  forProject(projectId: string): Promise<RuleAction[]> {
    const now = this.now();
    const hit = this.cache.get(projectId);
    if (hit && now - hit.at < this.ttlMs) return hit.actions;
    if (this.cache.size >= SWEEP_AT) this.sweep(now);
    const actions = this.source.activeActions(projectId, COMMAND_STATUS_SUBJECT.resource, COMMAND_STATUS_SUBJECT.event);
    const entry = { at: now, actions };
    this.cache.set(projectId, entry);
    actions.catch(() => {
      if (this.cache.get(projectId) === entry) this.cache.delete(projectId);
    });
    return actions;
  }

  /** The action as it is now, or undefined when it was deleted or its rule is no longer active. */
  async action(projectId: string, actionId: string): Promise<RuleAction | undefined> {
    return (await this.forProject(projectId)).find((action) => action.actionId === actionId);
  }

  private sweep(now: number): void {
    for (const [projectId, entry] of this.cache) if (now - entry.at >= this.ttlMs) this.cache.delete(projectId);
  }
}
