/**
 * The contract suites as a library, for the tests of this package and for anyone who checks a deployment from
 * code (the infrastructure's verification): Dredd, the prism-proxy scenario suite, the fuzzer, and the targets.
 */
export { AnswerChecker, type HttpAnswer } from './contract/answer-check.js';
export { type Contract, loadContract, type OperationId, SPEC_BUNDLE } from './contract/spec.js';
export { type ContractReport, formatFailures, formatSkips } from './dredd/report.js';
export { type DreddResult, runDredd } from './dredd/run.js';
export { DRIFTED, driftHandlers } from './drift.js';
export { type FuzzOutcome, fuzzContract } from './fuzz/fuzzer.js';
export { type ProxySuiteResult, runProxySuite } from './proxy/suite.js';
export { type ContractSettings, settingsFromEnv } from './settings.js';
export { SpecClient } from './spec-client.js';
export { type LocalTarget, startLocalTarget } from './targets/local.js';
export { type MockTarget, startMockTarget } from './targets/mock.js';
