/**
 * Whether one HTTP answer keeps the contract of its operation: the status is documented, the required headers
 * are there, `Content-Type` is exactly what the spec says, and the body validates against the documented schema
 * (or is empty where none is documented). Every suite that talks to a server judges answers with this.
 */
import { Ajv, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import type { SpecOperation, SpecResponse } from './spec.js';

export interface HttpAnswer {
  status: number;
  headers: Headers;
  /** The raw body text, as received. */
  text: string;
}

const JSON_MEDIA = 'application/json';

export class AnswerChecker {
  private readonly ajv = new Ajv({ allErrors: true, strict: false });
  private readonly validators = new WeakMap<SpecResponse, ValidateFunction>();

  constructor() {
    addFormats.default(this.ajv);
  }

  /** Every way the answer breaks the contract; empty when it keeps it. */
  problems(op: SpecOperation, answer: HttpAnswer): string[] {
    const documented = op.responses.get(answer.status);
    if (!documented) {
      return [
        `status ${answer.status} is not documented for ${op.id} (documented: ${[...op.responses.keys()].join(', ')})`,
      ];
    }
    const problems = documented.requiredHeaders
      .filter((name) => !answer.headers.has(name))
      .map((name) => `required header ${name} is missing`);
    if (!documented.schema) {
      if (answer.text !== '') problems.push(`a body where the spec documents none: ${answer.text.slice(0, 200)}`);
      return problems;
    }
    const contentType = answer.headers.get('content-type');
    if (contentType !== JSON_MEDIA) problems.push(`Content-Type is "${contentType}", the spec says ${JSON_MEDIA}`);
    let body: unknown;
    try {
      body = JSON.parse(answer.text);
    } catch {
      return [...problems, `the body is not JSON: ${answer.text.slice(0, 200)}`];
    }
    const validate = this.validator(documented);
    if (!validate(body))
      problems.push(`the body violates the ${answer.status} schema: ${this.ajv.errorsText(validate.errors)}`);
    return problems;
  }

  private validator(response: SpecResponse): ValidateFunction {
    let validate = this.validators.get(response);
    if (!validate) {
      validate = this.ajv.compile(response.schema ?? {});
      this.validators.set(response, validate);
    }
    return validate;
  }
}
