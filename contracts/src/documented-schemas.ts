// Building blocks for schemas that describe HayMaker's answers (projection records, reports) for the
// gateway's OpenAPI document: each carries a description for the reader, and each converts to JSON Schema
// without loss — patterns instead of the code checks the event schemas use (a calendar check, secrets).
import * as v from "valibot";

/** RFC 3339 date-time as written by a sender (the calendar check stays in the event schemas). */
export const RFC3339_PATTERN =
  /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:[Zz]|[+-]\d{2}:\d{2})$/;
/** A GUID in either case: ids.ts's GUID_PATTERN without the i flag, which JSON Schema cannot carry. */
const ANY_CASE_GUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

export function described<TSchema extends v.GenericSchema>(schema: TSchema, description: string) {
  return v.pipe(schema, v.description(description));
}

export function describedText(description: string) {
  return described(v.string(), description);
}

/** A whole number, 0 or more. */
export function describedCount(description: string) {
  return v.pipe(
    v.number(),
    v.integer("expected a whole number"),
    v.minValue(0, "expected a count of at least 0"),
    v.description(description),
  );
}

export function describedTimestamp(description: string) {
  return v.pipe(
    v.string(),
    v.regex(RFC3339_PATTERN, "expected an RFC 3339 timestamp like 2026-11-24T06:00:00Z"),
    v.description(description),
  );
}

export function describedGuid(description: string) {
  return v.pipe(v.string(), v.regex(ANY_CASE_GUID, "expected a GUID"), v.description(description));
}
