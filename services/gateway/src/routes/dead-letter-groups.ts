// GET /api/dead-letters/groups — dead letters grouped by failure signature (subscription + reason + cause),
// largest first, with counts, first and last seen, and how many had been replayed before.
import type { DeadLetter } from "@haymaker/dead-letters";
import type { Hono } from "hono";
import * as v from "valibot";
import { requireRole } from "../auth/authenticate.ts";
import type { GatewayDeps } from "../gateway-deps.ts";
import { honoPath, type RouteSpec } from "../openapi/route-spec.ts";
import { readAnswer } from "../read-answer.ts";
import { deadLettersOf } from "./dead-letter-access.ts";
import { DeadLetterQuerySchema, FailureGroupSchema } from "./dead-letter-schemas.ts";
import { readQuery } from "./read-query.ts";

const GroupQuerySchema = v.strictObject(
  Object.fromEntries(
    Object.entries(DeadLetterQuerySchema.entries).filter(
      ([name]) => name !== "limit" && name !== "continuation",
    ),
  ) as Omit<typeof DeadLetterQuerySchema.entries, "limit" | "continuation">,
);

export const deadLetterGroupsSpec: RouteSpec = {
  method: "get",
  path: "/api/dead-letters/groups",
  operationId: "listDeadLetterGroups",
  summary: "Dead letters grouped by failure",
  tag: "Dead letters",
  role: "operator",
  query: GroupQuerySchema,
  responses: {
    200: {
      description: "Failure groups, largest first.",
      schema: v.object({ items: v.array(FailureGroupSchema) }),
    },
    503: { description: "The gateway has no bus connection." },
  },
};

type FailureGroup = v.InferOutput<typeof FailureGroupSchema>;

export function groupsOf(letters: readonly DeadLetter[]): FailureGroup[] {
  const groups = new Map<string, FailureGroup>();
  for (const letter of letters) {
    const group = groups.get(letter.group) ?? {
      group: letter.group,
      topic: letter.topic,
      subscription: letter.subscription,
      reason: letter.reason,
      description: letter.description,
      count: 0,
      firstSeen: letter.enqueuedAt,
      lastSeen: letter.enqueuedAt,
      eventTypes: [],
      replayed: 0,
    };
    group.count += 1;
    if (letter.enqueuedAt < group.firstSeen) group.firstSeen = letter.enqueuedAt;
    if (letter.enqueuedAt > group.lastSeen) group.lastSeen = letter.enqueuedAt;
    if (letter.eventType !== undefined && !group.eventTypes.includes(letter.eventType))
      group.eventTypes.push(letter.eventType);
    if (letter.replayCount > 0) group.replayed += 1;
    groups.set(letter.group, group);
  }
  return [...groups.values()].sort((a, b) => b.count - a.count || a.group.localeCompare(b.group));
}

export function registerDeadLetterGroups(app: Hono, deps: GatewayDeps): void {
  app.get(honoPath(deadLetterGroupsSpec), requireRole(deps, "operator"), async (c) => {
    const access = deadLettersOf(c, deps);
    if (access instanceof Response) return access;
    const query = readQuery(c, GroupQuerySchema);
    if (!query.ok) return query.response;
    return readAnswer(c, { items: groupsOf(await access.queues.list(query.value)) });
  });
}
