// One page of a list ordered by a key, continuing after the key in a continuation token (keyset paging:
// stable while rows are added, and the way Cosmos DB pages too).
import type { SQLInputValue } from "node:sqlite";
import { decodeContinuation, encodeContinuation, type KeyPart } from "../continuation.ts";
import type { Page } from "../queries.ts";
import type { Statements } from "./record-rows.ts";

export interface Filter {
  sql: string;
  parameters: SQLInputValue[];
}

export function filter(sql: string, ...parameters: SQLInputValue[]): Filter {
  return { sql, parameters };
}

export function whereClause(filters: readonly Filter[]): Filter {
  if (filters.length === 0) return filter("");
  return filter(
    `WHERE ${filters.map((each) => `(${each.sql})`).join(" AND ")}`,
    ...filters.flatMap((each) => each.parameters),
  );
}

export interface KeysetList<T> {
  /** Names the list in its tokens, so a token from another list is refused. */
  list: string;
  table: string;
  /** The order's columns, most significant first; together they must be unique. */
  keyColumns: readonly string[];
  /** The type of each key column's values, as a continuation token must carry them. */
  keyTypes: ReadonlyArray<"string" | "number">;
  descending: boolean;
  /** The key of a record, matching keyColumns. */
  keyOf: (record: T) => KeyPart[];
}

export function keysetPage<T>(
  statements: Statements,
  spec: KeysetList<T>,
  filters: readonly Filter[],
  limit: number,
  continuation: string | undefined,
): Page<T> {
  const all = [...filters];
  const columns = spec.keyColumns.join(", ");
  if (continuation !== undefined) {
    const after = decodeContinuation(spec.list, continuation, spec.keyTypes);
    const placeholders = spec.keyColumns.map(() => "?").join(", ");
    all.push(filter(`(${columns}) ${spec.descending ? "<" : ">"} (${placeholders})`, ...after));
  }
  const where = whereClause(all);
  const direction = spec.descending ? "DESC" : "ASC";
  const order = spec.keyColumns.map((column) => `${column} ${direction}`).join(", ");
  const rows = statements.bodies<T>(
    `SELECT body FROM ${spec.table} ${where.sql} ORDER BY ${order} LIMIT ?`,
    ...where.parameters,
    limit + 1,
  );
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  return rows.length > limit && last !== undefined
    ? { items, continuation: encodeContinuation(spec.list, spec.keyOf(last)) }
    : { items };
}
