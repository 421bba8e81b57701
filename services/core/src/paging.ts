import type { Page, PageQuery } from './store.js';

/**
 * IoTDA paging over records already filtered: newest (largest id) first, only ids below the marker, then
 * `offset` skipped and `limit` taken. `count` is every match, whatever the page.
 */
export function pageOf<T>(items: readonly T[], idOf: (item: T) => string, query: PageQuery): Page<T> {
  const sorted = [...items].sort((a, b) => (idOf(a) < idOf(b) ? 1 : idOf(a) > idOf(b) ? -1 : 0));
  const below = query.marker === undefined ? sorted : sorted.filter((item) => idOf(item) < (query.marker as string));
  const slice = below.slice(query.offset, query.offset + query.limit);
  const last = slice.at(-1);
  return { items: slice, count: items.length, ...(last ? { marker: idOf(last) } : {}) };
}
