/** The spec-validating test client now lives with the contract tests, which use it too. */
export { type CallOptions, type CallResult, SpecClient } from '@snooze/contract-tests/spec-client';
