// Queries over the projections container, and one page of a list ordered by a key, continuing after the key
// in the continuation token. Keyset paging rather than the SDK's own continuation tokens: a page is one
// TOP query whatever the partitioning, the token names its list so one from another list is refused, it
// survives documents being added between pages, and it does not depend on the emulator (which ignores a
// token it cannot read and starts over, and has no OFFSET/LIMIT).
import type { Container, FeedOptions, JSONValue, SqlParameter, SqlQuerySpec } from "@azure/cosmos";
import { decodeContinuation, encodeContinuation, type KeyPart } from "../continuation.ts";
import type { Page } from "../queries.ts";
import type { DocumentKind } from "./documents.ts";

/** A WHERE clause built from conditions, each `?` in a condition bound to the next value as a parameter. */
export class Where {
  readonly #conditions: string[] = [];
  readonly #parameters: SqlParameter[] = [];

  and(condition: string, ...values: JSONValue[]): this {
    let next = 0;
    const bound = condition.replace(/\?/g, () => {
      const name = `@p${this.#parameters.length}`;
      this.#parameters.push({ name, value: values[next++] as JSONValue });
      return name;
    });
    if (next !== values.length) throw new Error(`"${condition}" takes ${next} values, not ${values.length}`);
    // Parenthesised only when needed: the emulator's parser slows down sharply with each pair.
    this.#conditions.push(/\bOR\b/i.test(bound) ? `(${bound})` : bound);
    return this;
  }

  /** `SELECT <select> FROM c WHERE …` and what follows it (ORDER BY …). */
  query(select: string, rest = ""): SqlQuerySpec {
    const where = this.#conditions.length === 0 ? "" : ` WHERE ${this.#conditions.join(" AND ")}`;
    return {
      query: `SELECT ${select} FROM c${where}${rest ? ` ${rest}` : ""}`,
      parameters: [...this.#parameters],
    };
  }
}

/** Documents of one kind; in one run's partition when `runId` is given. */
export function whereKind(kind: DocumentKind, runId?: string): Where {
  const where = new Where();
  if (runId !== undefined) where.and("c.runId = ?", runId);
  return where.and("c.kind = ?", kind);
}

/**
 * Every result of a query. With `runId` the query goes to that partition only (the WHERE clause names it
 * too: the emulator ignores the partitionKey option); without, it fans out over every partition.
 */
export async function queryAll<T>(container: Container, spec: SqlQuerySpec, runId?: string): Promise<T[]> {
  const options: FeedOptions = runId === undefined ? {} : { partitionKey: runId };
  const { resources } = await container.items.query<T>(spec, options).fetchAll();
  return resources;
}

export interface KeysetList<T> {
  /** Names the list in its tokens, so a token from another list is refused. */
  list: string;
  /** The order's document fields, most significant first; together they are unique within the list. */
  keyFields: readonly string[];
  /** What each key field holds, so a token whose key does not fit is refused. */
  keyTypes: ReadonlyArray<"string" | "number">;
  descending: boolean;
  /** The key of a record, matching keyFields. */
  keyOf: (record: T) => KeyPart[];
}

export async function keysetPage<T>(
  container: Container,
  spec: KeysetList<T>,
  where: Where,
  limit: number,
  continuation: string | undefined,
  runId?: string,
): Promise<Page<T>> {
  if (continuation !== undefined) {
    const after = decodeContinuation(spec.list, continuation, spec.keyTypes);
    const { condition, values } = beyond(spec.keyFields, spec.descending ? "<" : ">", after);
    where.and(condition, ...values);
  }
  const direction = spec.descending ? "DESC" : "ASC";
  const order = spec.keyFields.map((field) => `c.${field} ${direction}`).join(", ");
  const records = await queryAll<T>(
    container,
    where.query(`TOP ${limit + 1} VALUE c.record`, `ORDER BY ${order}`),
    runId,
  );
  const items = records.slice(0, limit);
  const last = items.at(-1);
  return records.length > limit && last !== undefined
    ? { items, continuation: encodeContinuation(spec.list, spec.keyOf(last)) }
    : { items };
}

/**
 * `(f1, f2, …) > (v1, v2, …)` as Cosmos DB SQL, which has no row values: `f1 > v1 OR f1 = v1 AND f2 > v2
 * OR …` (AND binds tighter), without parentheses: the emulator's parser takes seconds over nested ones.
 */
function beyond(
  fields: readonly string[],
  comparison: "<" | ">",
  after: readonly KeyPart[],
): { condition: string; values: KeyPart[] } {
  const disjuncts: string[] = [];
  const values: KeyPart[] = [];
  fields.forEach((field, index) => {
    const equal = fields.slice(0, index).map((earlier) => `c.${earlier} = ?`);
    disjuncts.push([...equal, `c.${field} ${comparison} ?`].join(" AND "));
    values.push(...after.slice(0, index + 1));
  });
  return { condition: disjuncts.join(" OR "), values };
}
