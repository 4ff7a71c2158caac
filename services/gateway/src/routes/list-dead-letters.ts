// GET /api/dead-letters — dead letters across every subscription's dead-letter queue, newest first,
// filtered by topic, subscription, event type, reason, run, time or failure group; paged by continuation.
import { type DeadLetter, summaryOf } from "@haymaker/dead-letters";
import { decodeContinuation, encodeContinuation } from "@haymaker/projections";
import type { Hono } from "hono";
import * as v from "valibot";
import { requireRole } from "../auth/authenticate.ts";
import type { GatewayDeps } from "../gateway-deps.ts";
import { honoPath, type RouteSpec } from "../openapi/route-spec.ts";
import { readAnswer } from "../read-answer.ts";
import { deadLettersOf } from "./dead-letter-access.ts";
import { DeadLetterQuerySchema, DeadLetterSummarySchema } from "./dead-letter-schemas.ts";
import { readQuery, storeRead } from "./read-query.ts";

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

const LIST = "dead-letters";

const newestFirst = (a: Pick<DeadLetter, "enqueuedAt" | "id">, b: Pick<DeadLetter, "enqueuedAt" | "id">) =>
  a.enqueuedAt === b.enqueuedAt ? b.id.localeCompare(a.id) : b.enqueuedAt.localeCompare(a.enqueuedAt);

export function registerListDeadLetters(app: Hono, deps: GatewayDeps): void {
  app.get(honoPath(listDeadLettersSpec), requireRole(deps, "operator"), async (c) => {
    const access = deadLettersOf(c, deps);
    if (access instanceof Response) return access;
    const query = readQuery(c, DeadLetterQuerySchema);
    if (!query.ok) return query.response;
    const { limit, continuation, ...filter } = query.value;
    const after = await storeRead(c, async () =>
      continuation === undefined ? undefined : decodeContinuation(LIST, continuation, ["string", "string"]),
    );
    if (!after.ok) return after.response;
    const all = (await access.queues.list(filter)).sort(newestFirst);
    const cursor = after.value;
    const start =
      cursor === undefined
        ? 0
        : all.findIndex((l) => newestFirst(l, { enqueuedAt: String(cursor[0]), id: String(cursor[1]) }) > 0);
    const from = start < 0 ? all.length : start;
    const page = all.slice(from, from + (limit ?? DEFAULT_LIMIT));
    const more = from + page.length < all.length;
    const last = page.at(-1);
    return readAnswer(c, {
      items: page.map(summaryOf),
      ...(more && last !== undefined
        ? { continuation: encodeContinuation(LIST, [last.enqueuedAt, last.id]) }
        : {}),
    });
  });
}
