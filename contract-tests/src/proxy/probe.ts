/**
 * Judges the answers that come back through `prism proxy --errors`. A request the contract allows is forwarded and
 * its answer validated by Prism; the answer fails the suite when Prism flags it (an `sl-violations` header, a
 * problem+json VIOLATIONS answer), when its status is not documented for the operation (Prism only warns about
 * that), or when it is not the status the scenario expects. A request that breaks the contract is answered by
 * Prism itself and never reaches the server: those scenarios expect Prism's own refusal instead.
 */
import type { Contract, OperationId } from '../contract/spec.js';

export type Answerer = 'server' | 'prism';

export interface Expectation {
  status: number;
  /** `prism`: the request breaks the contract, so Prism must refuse it without forwarding it. */
  from?: Answerer;
}

export interface StepResult {
  name: string;
  operationId: OperationId;
  expected: Expectation;
  status: number;
  problems: string[];
}

interface TypedAnswer {
  response: Response;
  data?: unknown;
  error?: unknown;
}

const PROBLEM_JSON = 'application/problem+json';

function problemType(body: unknown): string | undefined {
  const type = (body as { type?: unknown } | undefined)?.type;
  return typeof type === 'string' ? type : undefined;
}

export class ProxyProbe {
  readonly steps: StepResult[] = [];

  constructor(private readonly contract: Contract) {}

  /** Runs one call of the typed client and records how its answer measures up. */
  async step<T extends TypedAnswer>(
    name: string,
    operationId: OperationId,
    expected: Expectation,
    call: () => Promise<T>,
  ): Promise<T> {
    const answer = await call();
    const { response } = answer;
    const body = answer.error ?? answer.data;
    const problems =
      expected.from === 'prism'
        ? this.refusalProblems(response, body)
        : this.forwardedProblems(operationId, response, body);
    if (response.status !== expected.status) problems.push(`status ${response.status}, expected ${expected.status}`);
    this.steps.push({ name, operationId, expected, status: response.status, problems });
    return answer;
  }

  failures(): StepResult[] {
    return this.steps.filter((step) => step.problems.length > 0);
  }

  private forwardedProblems(operationId: OperationId, response: Response, body: unknown): string[] {
    const problems: string[] = [];
    const violations = response.headers.get('sl-violations');
    if (violations) problems.push(`sl-violations: ${violations}`);
    if (response.headers.get('content-type')?.startsWith(PROBLEM_JSON)) {
      problems.push(`Prism answered ${problemType(body) ?? 'a problem'}: ${JSON.stringify(body)}`);
    }
    if (!this.contract.operation(operationId).responses.has(response.status)) {
      problems.push(`status ${response.status} is not documented for ${operationId}`);
    }
    // Every answer of the server carries one; Prism's own answers do not.
    if (!response.headers.get('x-request-id')) problems.push('no X-Request-Id: the server never answered');
    return problems;
  }

  private refusalProblems(response: Response, body: unknown): string[] {
    const problems: string[] = [];
    if (!response.headers.get('content-type')?.startsWith(PROBLEM_JSON)) {
      problems.push(`expected Prism's problem+json refusal, got ${response.headers.get('content-type')}`);
    }
    if (response.headers.get('x-request-id')) problems.push('the request reached the server; Prism should refuse it');
    if (problemType(body)?.endsWith('#VIOLATIONS')) problems.push(`a response violation: ${JSON.stringify(body)}`);
    return problems;
  }
}
