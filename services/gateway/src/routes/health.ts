// GET /api/health — needs no credential: for load balancers, probes and `make run`'s start-up wait. Checks
// each dependency the gateway reads or writes (projections, catalogue, key store, and what main.ts adds,
// such as the bus), each within a time limit: 200 when all answer, 503 naming the ones that did not. Says
// only ok or not per dependency; why is logged, never shown to a caller nobody authenticated.
// Anyone may call it, so it answers from the last check for a few seconds (per replica): however many calls
// come, the dependencies are checked at most once per HEALTH_FOR_MS, and calls that arrive while a check
// runs wait for that one.
import type { Hono } from "hono";
import * as v from "valibot";
import type { RouteDeps } from "../gateway-deps.ts";
import { honoPath, type RouteSpec } from "../openapi/route-spec.ts";

export interface DependencyCheck {
  name: string;
  /** Resolves when the dependency answered; may say something harmless about it (e.g. a count). */
  check(): Promise<string | undefined>;
}

const CHECK_TIMEOUT_MS = 2_000;
/** How long one check's answer serves, from when it finished. */
export const HEALTH_FOR_MS = 3_000;

const HealthSchema = v.strictObject({
  status: v.picklist(["ok", "unavailable"]),
  checks: v.array(
    v.strictObject({
      name: v.string(),
      ok: v.boolean(),
      detail: v.optional(v.string()),
      ms: v.pipe(v.number(), v.description("How long the check took.")),
    }),
  ),
  checkedAt: v.pipe(
    v.string(),
    v.description(`When the checks ran: an answer serves for ${HEALTH_FOR_MS / 1000} s.`),
  ),
});
type Health = v.InferOutput<typeof HealthSchema>;

export const healthSpec: RouteSpec = {
  method: "get",
  path: "/api/health",
  operationId: "getHealth",
  summary: "Is the gateway and each of its dependencies up",
  tag: "Status",
  role: "public",
  responses: {
    200: { description: "Every dependency answered.", schema: HealthSchema },
    503: { description: "At least one dependency did not answer (see checks).", schema: HealthSchema },
  },
};

function builtInChecks(deps: RouteDeps): DependencyCheck[] {
  return [
    {
      name: "projections",
      check: async () => void (await deps.projections.listExecutions({ limit: 1 })),
    },
    {
      name: "catalogue",
      check: async () => {
        const { scenarios, errors } = await deps.catalogue();
        return `${scenarios.size} scenarios${errors.length > 0 ? `, ${errors.length} files with errors` : ""}`;
      },
    },
    { name: "api-keys", check: async () => void (await deps.keys.list()) },
  ];
}

async function run(check: DependencyCheck, deps: RouteDeps) {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    const detail = await Promise.race([
      check.check(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`no answer within ${CHECK_TIMEOUT_MS} ms`)),
          CHECK_TIMEOUT_MS,
        );
      }),
    ]);
    const ms = Math.round(performance.now() - started);
    return { name: check.name, ok: true, ...(detail === undefined ? {} : { detail }), ms };
  } catch (error) {
    deps.reportError(error, `/api/health (${check.name})`);
    return {
      name: check.name,
      ok: false,
      detail: "did not answer",
      ms: Math.round(performance.now() - started),
    };
  } finally {
    clearTimeout(timer);
  }
}

async function checkAll(deps: RouteDeps): Promise<Health> {
  const checkedAt = new Date().toISOString();
  const checks = await Promise.all(
    [...builtInChecks(deps), ...(deps.checks ?? [])].map((check) => run(check, deps)),
  );
  return { status: checks.every((check) => check.ok) ? "ok" : "unavailable", checks, checkedAt };
}

export function registerHealth(app: Hono, deps: RouteDeps): void {
  // run() never throws, so the kept promise always settles to an answer.
  let latest: { health: Promise<Health>; until: number } | undefined;
  const current = (): Promise<Health> => {
    if (latest === undefined || Date.now() >= latest.until) {
      const entry = { health: checkAll(deps), until: Number.POSITIVE_INFINITY };
      void entry.health.then(() => {
        entry.until = Date.now() + HEALTH_FOR_MS;
      });
      latest = entry;
    }
    return latest.health;
  };
  app.get(honoPath(healthSpec), async (c) => {
    const health = await current();
    return c.json(health, health.status === "ok" ? 200 : 503, { "cache-control": "no-store" });
  });
}
