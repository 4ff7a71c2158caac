// GET /api/dead-letters — dead letters across every subscription's dead-letter queue, newest first,
// filtered by topic, subscription, event type, reason, run, time or failure group; paged by continuation.
import { type DeadLetter, summaryOf } from "@haymaker/dead-letters";
import type { Hono } from "hono";
import * as v from "valibot";
import { requireRole } from "../auth/authenticate.ts";
import { apiError } from "../errors.ts";
import type { GatewayDeps } from "../gateway-deps.ts";
import { honoPath, type RouteSpec } from "../openapi/route-spec.ts";
import { readAnswer } from "../read-answer.ts";
import { deadLettersOf } from "./dead-letter-access.ts";
import { DeadLetterQuerySchema, DeadLetterSummarySchema } from "./dead-letter-schemas.ts";
import { readQuery } from "./read-query.ts";

const DEFAULT_LIMIT = 50;

export const listDeadLettersSpec: RouteSpec = {
  method: "get",
  path: "/api/dead-letters",
  operationId: "listDeadLetters",
  summary: "Dead letters across every subscription",
  tag: "Dead letters",
  role: "operator",
  query: DeadLetterQuerySchema,
  responses: {
    200: {
      description: "A page of dead letters, newest first; pass continuation for the next.",
      schema: v.object({ items: v.array(DeadLetterSummarySchema), continuation: v.optional(v.string()) }),
    },
    503: { description: "The gateway has no bus connection." },
  },
};

const newestFirst = (a: DeadLetter, b: DeadLetter) =>
  a.enqueuedAt === b.enqueuedAt ? b.id.localeCompare(a.id) : b.enqueuedAt.localeCompare(a.enqueuedAt);

function cursorOf(letter: DeadLetter): string {
  return Buffer.from(JSON.stringify([letter.enqueuedAt, letter.id])).toString("base64url");
}

function parseCursor(token: string): [string, string] | undefined {
  try {
    const value = JSON.parse(Buffer.from(token, "base64url").toString("utf8")) as unknown;
    return Array.isArray(value) && value.length === 2 && value.every((part) => typeof part === "string")
      ? (value as [string, string])
      : undefined;
  } catch {
    return undefined;
  }
}

export function registerListDeadLetters(app: Hono, deps: GatewayDeps): void {
  app.get(honoPath(listDeadLettersSpec), requireRole(deps, "operator"), async (c) => {
    const access = deadLettersOf(c, deps);
    if (access instanceof Response) return access;
    const query = readQuery(c, DeadLetterQuerySchema);
    if (!query.ok) return query.response;
    const { limit, continuation, ...filter } = query.value;
    const after = continuation === undefined ? undefined : parseCursor(continuation);
    if (continuation !== undefined && after === undefined) {
      return apiError(c, 400, "InvalidQuery", "The continuation token is not one this list gave.", [
        { path: "continuation", reason: "expected a continuation token from a previous page" },
      ]);
    }
    const all = (await access.queues.list(filter)).sort(newestFirst);
    const start =
      after === undefined
        ? 0
        : all.findIndex((l) => newestFirst(l, { enqueuedAt: after[0], id: after[1] } as DeadLetter) > 0);
    const from = start < 0 ? all.length : start;
    const page = all.slice(from, from + (limit ?? DEFAULT_LIMIT));
    const more = from + page.length < all.length;
    const last = page.at(-1);
    return readAnswer(c, {
      items: page.map(summaryOf),
      ...(more && last !== undefined ? { continuation: cursorOf(last) } : {}),
    });
  });
}
