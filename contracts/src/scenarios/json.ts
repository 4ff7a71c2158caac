import * as v from "valibot";

/** What a YAML document (core schema) or an ARM request body can hold. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

export const JsonValueSchema: v.GenericSchema<JsonValue> = v.lazy(() =>
  v.union(
    [
      v.string(),
      // YAML's .inf and .nan have no JSON form, so ARM could not receive them.
      v.pipe(v.number(), v.finite("expected a finite number")),
      v.boolean(),
      v.null(),
      v.array(JsonValueSchema),
      mapOf(v.record(v.string(), JsonValueSchema)),
    ],
    "expected a JSON value (string, number, boolean, null, list or map)",
  ),
);

export function isMap(input: unknown): input is Record<string, unknown> {
  return input !== null && typeof input === "object" && !Array.isArray(input);
}

/**
 * A map, and not a list: valibot's object and record schemas accept arrays (they are objects), and a list
 * where a map belongs would reach ARM as {"0": ...}.
 */
export function mapOf<TSchema extends v.GenericSchema>(schema: TSchema, message = "expected a map") {
  return v.pipe(v.custom<v.InferInput<TSchema>>(isMap, message), schema);
}

export const JsonObjectSchema: v.GenericSchema<JsonObject> = mapOf(v.record(v.string(), JsonValueSchema));

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** Extends a field path the way error messages print it: a.b, a[0], a["odd-key"]. */
export function childPath(path: string, key: string | number): string {
  if (typeof key === "number") return `${path}[${key}]`;
  if (IDENTIFIER.test(key)) return path ? `${path}.${key}` : key;
  return `${path}[${JSON.stringify(key)}]`;
}

export interface Visit {
  readonly path: string;
  /** The key under which the value sits in its parent object, if it sits in an object. */
  readonly key: string | undefined;
  readonly value: JsonValue;
}

/** Every value in a JSON tree, parents before children, with its path. */
export function* walkJson(value: JsonValue, path: string, key?: string): Generator<Visit> {
  yield { path, key, value };
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) yield* walkJson(item, childPath(path, index));
  } else if (value !== null && typeof value === "object") {
    for (const [childKey, item] of Object.entries(value)) {
      yield* walkJson(item, childPath(path, childKey), childKey);
    }
  }
}

export function isJsonObject(value: JsonValue | undefined): value is JsonObject {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}
