/** Proxy scenarios for credentials: none at all (Prism refuses), an unknown token, a project not granted. */
import { createSnoozeClient } from '@snooze/client';
import type { ProxyProbe } from './probe.js';
import type { ScenarioTarget } from './scenario-target.js';

export async function credentialScenarios(probe: ProxyProbe, t: ScenarioTarget): Promise<void> {
  const project_id = t.main.projectId;
  const anonymous = createSnoozeClient(t.proxyUrl);
  const stranger = createSnoozeClient(t.proxyUrl, { token: `unknown-${t.runId}` });
  await probe.step(
    'no credentials (breaks the security requirement)',
    'listDevices',
    { status: 401, from: 'prism' },
    () => anonymous.GET('/v5/iot/{project_id}/devices', { params: { path: { project_id } } }),
  );
  await probe.step('an unknown token', 'listDevices', { status: 401 }, () =>
    stranger.GET('/v5/iot/{project_id}/devices', { params: { path: { project_id } } }),
  );
  await probe.step('a project the token does not grant', 'listRoutingRules', { status: 403 }, () =>
    t.api.GET('/v5/iot/{project_id}/routing-rule/rules', { params: { path: { project_id: t.forbiddenProjectId } } }),
  );
}
