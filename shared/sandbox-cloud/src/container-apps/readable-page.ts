// One page of a list shown to a caller who may read only some of its items. The items it may not read are
// dropped before the page is cut: dropped after, they would leave a page short, and a short page (no
// nextLink) would end the list before the readable items behind it.

export interface ReadablePage<T> {
  value: T[];
  /** Whether readable items follow this page (the list then answers a nextLink). */
  more: boolean;
}

/** The readable items from `offset` (a position among the readable items), at most `size` of them. */
export function readablePage<T>(
  items: readonly T[],
  readable: (item: T) => boolean,
  offset: number,
  size: number,
): ReadablePage<T> {
  const visible = items.filter(readable);
  return { value: visible.slice(offset, offset + size), more: visible.length > offset + size };
}
