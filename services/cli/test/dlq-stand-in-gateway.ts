// A STAND-IN for the gateway's dead-letter and replay routes, serving exactly their documented shapes, so
// the dlq commands can be run against every case on cue: paging, a replay whose progress advances with
// each poll, one that never ends (for Ctrl+C), failures, an abort, and a purge an operator may not do.
import { type Context, Hono } from "hono";
import { serveOnLocalPort } from "./run-cli.ts";

export const OPERATOR_KEY = "hm_0123456789ab_operator";
export const ADMIN_KEY = "hm_0123456789ab_admin";
export const RUN = "run-20261124-060000-ab12";
/** A failure group with 1000 letters, of which 2 fail again when replayed. */
export const FLAKY_GROUP = "g-7f3a9c2e41d0";
/** A failure group with no letters left. */
export const EMPTY_GROUP = "g-000000000000";
/** A replay by this name never progresses: something to stop following. */
export const STUCK_NAME = "stuck";
/** Each poll of a running operation moves it on by this many letters. */
export const STEP = 250;

const envelope = (code: string, message: string) => ({
  error: { code, message, details: [], traceId: "0123456789abcdef0123456789abcdef" },
});

/** Dead letters are named topic.subscription.sequenceNumber. */
export const letterId = (n: number) => `run-requested.validate.${n}`;

export const deadLetter = (n: number) => ({
  id: letterId(n),
  topic: "run-requested",
  subscription: "validate",
  sequenceNumber: `${n}`,
  enqueuedAt: `2026-11-24T06:0${n % 10}:00.000Z`,
  deliveryCount: 10,
  reason: "MaxDeliveryCountExceeded",
  description: "scenario catalogue unavailable",
  source: "/haymaker/gateway",
  eventId: `evt-${n}`,
  eventType: "com.haymaker.run.requested.v1",
  runId: RUN,
  replayCount: n % 2,
  group: FLAKY_GROUP,
});

interface Operation {
  id: string;
  name?: string;
  kind: "replay" | "purge";
  status: "running" | "completed" | "aborted" | "failed" | "interrupted";
  selection: Record<string, unknown>;
  requestedBy: string;
  startedAt: string;
  finishedAt?: string;
  total: number;
  replayed: number;
  failed: number;
  remaining: number;
  errors: string[];
}

export interface Seen {
  listQueries: Record<string, string>[];
  groupQueries: Record<string, string>[];
  /** Replay and purge request bodies, with the method they came by. */
  actions: { method: string; body: Record<string, unknown> }[];
  polls: number;
}

type StandInEnv = { Variables: { role: string } };

type Body = { ids?: unknown; group?: unknown; filter?: unknown; dryRun?: unknown; name?: unknown };

/** How many letters a selection matches, or an error message when it is not exactly one selection. */
function countOf(body: Body): number | string {
  const given = [body.ids, body.group, body.filter].filter((v) => v !== undefined);
  if (given.length !== 1 || typeof body.dryRun !== "boolean")
    return "Give one of ids, group or filter, and dryRun.";
  if (Array.isArray(body.ids)) return body.ids.length;
  if (body.group === EMPTY_GROUP) return 0;
  return 1000;
}

export async function startDlqStandIn(seen: Seen) {
  const operations = new Map<string, Operation>();
  /** Operations replaying the flaky group, whose first step has 2 failures. */
  const flaky = new Set<string>();
  const app = new Hono<StandInEnv>();
  app.use("/api/*", async (c, next) => {
    const auth = c.req.header("authorization");
    const role =
      auth === `Bearer ${ADMIN_KEY}` ? "admin" : auth === `Bearer ${OPERATOR_KEY}` ? "operator" : "";
    if (role === "") return c.json(envelope("Unauthorized", "Send an API key."), 401);
    c.set("role", role);
    return next();
  });

  app.get("/api/dead-letters", (c) => {
    const query = c.req.query();
    seen.listQueries.push(query);
    // Two pages: letters 1 and 2, then letter 3.
    if (query.continuation === undefined)
      return c.json({ items: [deadLetter(1), deadLetter(2)], continuation: "page-2" });
    return c.json({ items: [deadLetter(3)] });
  });
  app.get("/api/dead-letters/groups", (c) => {
    seen.groupQueries.push(c.req.query());
    return c.json({
      items: [
        {
          group: FLAKY_GROUP,
          topic: "run-requested",
          subscription: "validate",
          reason: "MaxDeliveryCountExceeded",
          description: "scenario catalogue unavailable",
          count: 1000,
          firstSeen: "2026-11-24T06:00:00.000Z",
          lastSeen: "2026-11-24T06:09:00.000Z",
          eventTypes: ["com.haymaker.run.requested.v1"],
          replayed: 12,
        },
      ],
    });
  });
  app.get("/api/dead-letters/:id", (c) => {
    const id = c.req.param("id");
    const common = {
      applicationProperties: { DeadLetterReason: "MaxDeliveryCountExceeded" },
      messageId: "m-1",
    };
    if (id === letterId(1)) {
      const { id: eventId, eventType: type, source, runId } = deadLetter(1);
      return c.json({
        ...deadLetter(1),
        ...common,
        contentType: "application/json",
        event: { specversion: "1.0", id: eventId, type, source, data: { runId, size: "small" } },
      });
    }
    if (id === letterId(2))
      return c.json({ ...deadLetter(2), ...common, reason: "InvalidEvent", body: "not json {" });
    return c.json(envelope("DeadLetterNotFound", `No dead letter ${id}.`), 404);
  });

  const act = (kind: "replay" | "purge") => async (c: Context<StandInEnv>) => {
    const body = (await c.req.json()) as Body;
    seen.actions.push({ method: c.req.method, body: body as Record<string, unknown> });
    if (kind === "purge" && c.get("role") !== "admin") {
      return c.json(envelope("Forbidden", "Purging dead letters needs the admin role."), 403);
    }
    const count = countOf(body);
    if (typeof count === "string") return c.json(envelope("InvalidRequest", count), 400);
    if (body.dryRun === true) {
      return c.json({
        dryRun: true,
        count,
        sample: [deadLetter(1), deadLetter(2)].slice(0, Math.min(2, count)),
      });
    }
    const operation: Operation = {
      id: `rpl-${operations.size + 1}`,
      ...(typeof body.name === "string" ? { name: body.name } : {}),
      kind,
      status: count === 0 ? "completed" : "running",
      selection:
        body.ids !== undefined
          ? { ids: body.ids }
          : body.group !== undefined
            ? { group: body.group }
            : { filter: body.filter },
      requestedBy: `api-key:${c.get("role")}`,
      startedAt: "2026-11-24T07:00:00.000Z",
      total: count,
      replayed: 0,
      failed: 0,
      remaining: count,
      errors: [],
    };
    operations.set(operation.id, operation);
    if (body.group === FLAKY_GROUP) flaky.add(operation.id);
    return c.json({ operation }, 202, { location: `/api/replays/${operation.id}` });
  };
  app.post("/api/dead-letters/replay", act("replay"));
  app.delete("/api/dead-letters", act("purge"));

  app.get("/api/replays", (c) => c.json({ items: [...operations.values()] }));
  app.get("/api/replays/:id", (c) => {
    const operation = operations.get(c.req.param("id"));
    if (operation === undefined) return c.json(envelope("ReplayNotFound", "No such replay."), 404);
    seen.polls += 1;
    if (operation.status === "running" && operation.name !== STUCK_NAME)
      advance(operation, flaky.has(operation.id));
    return c.json(operation);
  });
  app.post("/api/replays/:id/abort", (c) => {
    const operation = operations.get(c.req.param("id"));
    if (operation === undefined) return c.json(envelope("ReplayNotFound", "No such replay."), 404);
    if (operation.status !== "running") {
      return c.json(envelope("ReplayFinished", `The replay ${operation.id} already ended.`), 409);
    }
    Object.assign(operation, { status: "aborted", finishedAt: "2026-11-24T07:01:00.000Z" });
    return c.json({ operation }, 202);
  });
  return serveOnLocalPort(app.fetch);
}

/** Moves a running operation on by STEP; a flaky one's first step has 2 failures. */
function advance(operation: Operation, flaky: boolean): void {
  const step = Math.min(STEP, operation.remaining);
  const failures = flaky && operation.replayed + operation.failed === 0 ? 2 : 0;
  operation.replayed += step - failures;
  operation.failed += failures;
  operation.remaining -= step;
  if (failures > 0)
    operation.errors.push(
      `${letterId(7)}: subscription validate not found`,
      `${letterId(9)}: message too large`,
    );
  if (operation.remaining === 0) {
    Object.assign(operation, { status: "completed", finishedAt: "2026-11-24T07:00:02.000Z" });
  }
}
