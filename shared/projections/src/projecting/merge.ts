// How a record takes in what an event says when events arrive in any order: the newest event's fields
// win, an older event only fills fields still missing. "Newest" is the event's time, normalised to UTC.

/** An RFC 3339 timestamp as a UTC ISO string, so that instants compare correctly as text. */
export function instant(timestamp: string): string {
  return new Date(timestamp).toISOString();
}

export function earliest(a: string | undefined, b: string | undefined): string | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return a <= b ? a : b;
}

export function latest(a: string | undefined, b: string | undefined): string | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return a >= b ? a : b;
}

/**
 * `current` with `fields` merged in: every defined field when the event is at least as new as the record,
 * otherwise only those the record lacks.
 */
export function mergeFields<T extends object>(current: T, fields: Partial<T>, eventIsNewer: boolean): T {
  const merged = { ...current } as Record<string, unknown>;
  for (const [key, value] of Object.entries(fields)) {
    if (value === undefined) continue;
    if (eventIsNewer || merged[key] === undefined) merged[key] = value;
  }
  return merged as T;
}

/** Whether an event at `eventAt` is at least as new as a record last updated at `updatedAt`. */
export function isNewer(eventAt: string, updatedAt: string | undefined): boolean {
  return updatedAt === undefined || eventAt >= updatedAt;
}

export function sortedUnion(a: readonly string[], b: readonly string[]): string[] {
  return [...new Set([...a, ...b])].sort();
}

/** The object without its undefined entries, so records stay the same JSON whatever path built them. */
export function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, entry]) => entry !== undefined)) as T;
}
