// What every route's spec says about its limits, enforced in one place for all routes (app.ts runs this
// before any route): the role it needs, its per-caller budget (429 with Retry-After beyond it) and the
// largest body it takes (413 beyond it, whether the body's length was announced or it came chunked; the
// rest of a refused body is never read into memory).
import type { Context, MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { every } from "hono/combine";
import { requireRole } from "./auth/authenticate.ts";
import {
  DEFAULT_WRITE_LIMIT_PER_MINUTE,
  inMemoryRateLimits,
  type RateLimit,
  rateLimit,
} from "./auth/rate-limit.ts";
import { apiError } from "./errors.ts";
import type { GatewayDeps } from "./gateway-deps.ts";
import {
  bodyLimitOf,
  honoPath,
  type RateLimitClass,
  type RouteSpec,
  rateLimitOf,
} from "./openapi/route-spec.ts";

/** One budget per rate-limit class, each counting every caller apart, where deps.rateLimits counts them. */
function rateLimiters(deps: GatewayDeps): Record<RateLimitClass, RateLimit> {
  const budget = deps.rateLimits ?? inMemoryRateLimits;
  return {
    execute: budget("execute", deps.executeLimitPerMinute),
    write: budget("write", deps.writeLimitPerMinute ?? DEFAULT_WRITE_LIMIT_PER_MINUTE),
  };
}

function tooLarge(c: Context, limit: number): Response {
  // The client may still be sending; it should not reuse this connection for the next request.
  c.header("Connection", "close");
  return apiError(
    c,
    413,
    "PayloadTooLarge",
    limit === 0
      ? `${c.req.method} ${c.req.routePath} takes no request body; send none.`
      : `The request body is larger than this route takes (at most ${limit} bytes).`,
  );
}

/** The spec's limits as one middleware, for the requests its method and path match. */
function limitsOf(
  spec: RouteSpec,
  deps: GatewayDeps,
  limiters: Record<RateLimitClass, RateLimit>,
): MiddlewareHandler {
  const method = spec.method.toUpperCase();
  const maxSize = bodyLimitOf(spec);
  const budget = rateLimitOf(spec);
  const steps: MiddlewareHandler[] = [
    ...(spec.role === "public" ? [] : [requireRole(deps, spec.role)]),
    ...(budget === undefined ? [] : [rateLimit(limiters[budget])]),
    bodyLimit({ maxSize, onError: (c) => tooLarge(c, maxSize) }),
  ];
  const all = every(...steps);
  return async (c, next) => {
    // HEAD is answered by the GET route. Two specs can match one path (/api/dead-letters/groups and
    // /api/dead-letters/{id}): the first listed applies its limits, so nothing is counted twice.
    const matches = c.req.method === method || (method === "GET" && c.req.method === "HEAD");
    if (!matches || c.get("limited" as never)) return next();
    c.set("limited" as never, true as never);
    return all(c, next);
  };
}

/** Registers every spec's limits ahead of the routes themselves. */
export function registerRouteLimits(
  app: { use(path: string, handler: MiddlewareHandler): unknown },
  specs: readonly RouteSpec[],
  deps: GatewayDeps,
): void {
  const limiters = rateLimiters(deps);
  for (const spec of specs) app.use(honoPath(spec), limitsOf(spec, deps, limiters));
}
