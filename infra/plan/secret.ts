/**
 * A value the program marked secret, as captured under mocks. It can be used (`reveal()`) by code that must
 * hand it to the Docker engine, but prints, logs and serializes as a placeholder: a plan written to disk
 * or an error message cannot carry it by accident.
 */
import { inspect } from 'node:util';

export const REDACTED = '[secret]';

export class Secret<T = unknown> {
  readonly #value: T;

  constructor(value: T) {
    this.#value = value;
  }

  reveal(): T {
    return this.#value;
  }

  toJSON(): { secret: string } {
    return { secret: REDACTED };
  }

  toString(): string {
    return REDACTED;
  }

  [inspect.custom](): string {
    return `Secret(${REDACTED})`;
  }
}

/** The value with every Secret inside replaced by what it holds (for the engine, never for output). */
export function revealAll(value: unknown): unknown {
  if (value instanceof Secret) return revealAll(value.reveal());
  if (Array.isArray(value)) return value.map(revealAll);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, revealAll(inner)]));
  }
  return value;
}

/** Whether a Secret sits anywhere inside the value. */
export function containsSecret(value: unknown): boolean {
  if (value instanceof Secret) return true;
  if (Array.isArray(value)) return value.some(containsSecret);
  if (value !== null && typeof value === 'object') return Object.values(value).some(containsSecret);
  return false;
}
