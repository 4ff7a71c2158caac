// Shared by the read routes: query strings checked with valibot (every value arrives as text), path ids
// checked before the store sees them, and the store's ProjectionQueryError answered as 400, never 500.
import { AgentIdSchema, checkInput, RunIdSchema } from "@haymaker/contracts";
import { MAX_PAGE_SIZE, ProjectionQueryError } from "@haymaker/projections";
import type { Context } from "hono";
import * as v from "valibot";
import { apiError } from "../errors.ts";

/** A whole number in a query string, e.g. "?limit=20", as a number in [min, max]. */
export const wholeNumberParam = (min: number, max: number) =>
  v.pipe(
    v.string(),
    v.regex(/^\d{1,15}$/, "expected a whole number"),
    v.transform(Number),
    v.minValue(min, `expected at least ${min}`),
    v.maxValue(max, `expected at most ${max}`),
  );

/** The paging entries every list takes. */
export const pageParams = {
  limit: v.optional(wholeNumberParam(1, MAX_PAGE_SIZE)),
  continuation: v.optional(
    v.pipe(v.string(), v.maxLength(2048, "expected a continuation token from a previous page")),
  ),
};

export type Parsed<T> = { ok: true; value: T } | { ok: false; response: Response };

/** Checks the request's query string (first value of each name) against a strict object schema. */
export function readQuery<S extends v.GenericSchema>(c: Context, schema: S): Parsed<v.InferOutput<S>> {
  const checked = checkInput(schema, c.req.query(), "");
  if (checked.ok) return { ok: true, value: checked.value };
  return {
    ok: false,
    response: apiError(c, 400, "InvalidQuery", "The query string is not valid.", [...checked.problems]),
  };
}

/** Runs a store read, answering a ProjectionQueryError with 400 InvalidQuery naming the field. */
export async function storeRead<T>(c: Context, read: () => Promise<T>): Promise<Parsed<T>> {
  try {
    return { ok: true, value: await read() };
  } catch (error) {
    if (!(error instanceof ProjectionQueryError)) throw error;
    const reason = error.message.startsWith(`${error.field}: `)
      ? error.message.slice(error.field.length + 2)
      : error.message;
    return {
      ok: false,
      response: apiError(c, 400, "InvalidQuery", `The query field "${error.field}" is not valid.`, [
        { path: error.field, reason },
      ]),
    };
  }
}

/** Checks a run id taken from the path. */
export function checkRunId(c: Context, id: string): Response | undefined {
  if (v.is(RunIdSchema, id)) return undefined;
  return apiError(c, 400, "InvalidExecutionId", "An execution id looks like run-20261124-060000-ab12.", [
    { path: "id", reason: "expected a run id: lowercase letters, digits and hyphens, at most 32 characters" },
  ]);
}

/** Checks an agent id taken from the path. */
export function checkAgentId(c: Context, agentId: string): Response | undefined {
  if (v.is(AgentIdSchema, agentId)) return undefined;
  return apiError(c, 400, "InvalidAgentId", "An agent id looks like a01.", [
    { path: "agentId", reason: "expected an agent id: lowercase letters, digits and hyphens" },
  ]);
}

/** The path parameters the routes share, as the OpenAPI document describes them. */
export const pathParams = {
  executionId: { schema: RunIdSchema, description: "The execution (run) id, e.g. run-20261124-060000-ab12." },
  agentId: { schema: AgentIdSchema, description: "The agent's id in its execution, e.g. a01." },
} as const;

/** A path parameter of the route (always present once the route matched). */
export function pathParam(c: Context, name: string): string {
  return c.req.param(name) ?? "";
}
