import * as v from "valibot";

const RFC3339 =
  /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.\d{1,9})?(?:[Zz]|[+-](\d{2}):(\d{2}))$/;

/** True for an RFC 3339 date-time with a real calendar date, e.g. "2026-11-24T06:00:00Z". */
export function isRfc3339(text: string): boolean {
  const match = RFC3339.exec(text);
  if (!match) return false;
  const part = (index: number) => Number(match[index] ?? 0);
  const [year, month, day] = [part(1), part(2), part(3)];
  // Date.UTC rolls 2026-02-30 over to March; a real date survives the round trip unchanged.
  const date = new Date(Date.UTC(year, month - 1, day));
  return (
    date.getUTCFullYear() === year &&
    date.getUTCMonth() === month - 1 &&
    date.getUTCDate() === day &&
    part(4) < 24 &&
    part(5) < 60 &&
    part(6) < 60 &&
    part(7) < 24 &&
    part(8) < 60
  );
}

export const TimestampSchema = v.pipe(
  v.string(),
  v.check(isRfc3339, "expected an RFC 3339 timestamp like 2026-11-24T06:00:00Z"),
);

// Days, hours, minutes and seconds only: years and months have no fixed length, so a deadline computed
// from them would depend on the calendar.
const ISO_DURATION = /^P(?!$)(?:(\d{1,6})D)?(?:T(?=\d)(?:(\d{1,7})H)?(?:(\d{1,9})M)?(?:(\d{1,10})S)?)?$/;

/** Milliseconds in an ISO 8601 duration such as "PT8H" or "P1DT12H", or undefined if it is not one. */
export function parseIsoDuration(text: string): number | undefined {
  const match = ISO_DURATION.exec(text);
  if (!match) return undefined;
  const part = (index: number) => Number(match[index] ?? 0);
  return (((part(1) * 24 + part(2)) * 60 + part(3)) * 60 + part(4)) * 1000;
}

/** An ISO 8601 duration (days, hours, minutes, seconds) between min and max inclusive. */
export function isoDuration(min: string, max: string) {
  const minMs = parseIsoDuration(min);
  const maxMs = parseIsoDuration(max);
  if (minMs === undefined || maxMs === undefined) throw new Error(`invalid duration bounds ${min}..${max}`);
  return v.pipe(
    v.string(),
    v.check(
      (text) => parseIsoDuration(text) !== undefined,
      "expected an ISO-8601 duration like PT8H (days, hours, minutes, seconds)",
    ),
    v.check((text) => {
      const ms = parseIsoDuration(text) ?? 0;
      return ms >= minMs && ms <= maxMs;
    }, `expected a duration between ${min} and ${max}`),
  );
}

/** How long a run's agents operate: at least a second, at most a week. */
export const RunDurationSchema = isoDuration("PT1S", "P7D");
