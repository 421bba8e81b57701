/** The text of anything thrown, for logs and dead-letter reasons. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
