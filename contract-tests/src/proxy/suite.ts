/**
 * The scenario suite through `prism proxy --errors`: a proxy in front of every server the settings name (the
 * target, and where configured its rate-limited and its failing replica), the typed client aimed at the proxies,
 * and every answer judged by ProxyProbe. Returns what it found instead of throwing, so that the suite's own test
 * can show that it notices drift.
 */
import { randomUUID } from 'node:crypto';
import { createSnoozeClient } from '@snooze/client';
import { loadContract } from '../contract/spec.js';
import { burstUntilRefused } from '../rate-limit.js';
import type { ContractSettings } from '../settings.js';
import { type PrismServer, startPrism } from '../targets/prism.js';
import { startSink } from '../targets/sink.js';
import { credentialScenarios } from './credential-scenarios.js';
import { deviceAndCommandScenarios, deviceRemovalScenarios } from './device-scenarios.js';
import { ProxyProbe, type StepResult } from './probe.js';
import { ruleScenarios } from './rule-scenarios.js';
import type { ScenarioTarget } from './scenario-target.js';

export interface ProxySuiteResult {
  steps: StepResult[];
  failures: StepResult[];
  /** Scenarios this target cannot run, with the reason. */
  skipped: string[];
}

async function proxiesFor(urls: string[]): Promise<Map<string, PrismServer>> {
  const unique = [...new Set(urls)];
  const started = await Promise.allSettled(unique.map((upstream) => startPrism({ kind: 'proxy', upstream })));
  const proxies = new Map<string, PrismServer>();
  started.forEach((result, i) => {
    if (result.status === 'fulfilled') proxies.set(unique[i] as string, result.value);
  });
  const failed = started.find((result) => result.status === 'rejected');
  if (failed) {
    await Promise.all([...proxies.values()].map((proxy) => proxy.close()));
    throw failed.reason;
  }
  return proxies;
}

async function rateLimitScenario(probe: ProxyProbe, proxy: PrismServer, limited: ContractSettings['rateLimited']) {
  if (!limited) return;
  const api = createSnoozeClient(proxy.url, { token: limited.token });
  const path = { project_id: limited.projectId };
  const list = () => api.GET('/v5/iot/{project_id}/devices', { params: { path } });
  await burstUntilRefused(async () => (await list()).response, limited.projectId);
  await probe.step('a request right after a burst', 'listDevices', { status: 429 }, () =>
    api.GET('/v5/iot/{project_id}/devices', { params: { path } }),
  );
}

async function storeFailureScenario(probe: ProxyProbe, proxy: PrismServer, settings: ContractSettings) {
  const api = createSnoozeClient(proxy.url, { token: settings.main.token });
  await probe.step('a replica whose store fails', 'listRoutingRules', { status: 500 }, () =>
    api.GET('/v5/iot/{project_id}/routing-rule/rules', { params: { path: { project_id: settings.main.projectId } } }),
  );
}

export async function runProxySuite(settings: ContractSettings): Promise<ProxySuiteResult> {
  const probe = new ProxyProbe(await loadContract());
  const sink = await startSink();
  const upstreams = [settings.url, settings.rateLimited?.url, settings.failingUrl].filter((u): u is string => !!u);
  const proxies = await proxiesFor(upstreams);
  const proxy = (upstream: string) => proxies.get(upstream) as PrismServer;
  const skipped: string[] = [];
  try {
    const main = proxy(settings.url);
    const target: ScenarioTarget = {
      api: createSnoozeClient(main.url, { token: settings.main.token }),
      proxyUrl: main.url,
      main: settings.main,
      forbiddenProjectId: settings.forbiddenProjectId,
      runId: randomUUID().slice(0, 8),
      sinkUrl: sink.url,
    };
    const device = await deviceAndCommandScenarios(probe, target);
    await credentialScenarios(probe, target);
    await ruleScenarios(probe, target);
    await deviceRemovalScenarios(probe, target, device);
    if (settings.rateLimited) await rateLimitScenario(probe, proxy(settings.rateLimited.url), settings.rateLimited);
    else skipped.push('429: no rate-limited project configured');
    if (settings.failingUrl) await storeFailureScenario(probe, proxy(settings.failingUrl), settings);
    else skipped.push('500: no replica with a failing store configured');
  } finally {
    await Promise.all([...proxies.values()].map((p) => p.close()));
    await sink.close();
  }
  return { steps: probe.steps, failures: probe.failures(), skipped };
}
