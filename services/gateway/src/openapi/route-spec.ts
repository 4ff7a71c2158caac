// What each route file declares about itself: its method and path, the role it needs, and the valibot
// schemas of its path, query, body and answers. The same schemas validate requests at run time and make
// the OpenAPI document (document.ts), so the description cannot drift from what the route does.
import type { GenericSchema } from "valibot";
import type { Role } from "../auth/api-key-store.ts";

export type MediaType = "application/json" | "text/event-stream" | "text/markdown" | "text/html";

export interface ResponseSpec {
  description: string;
  /** The body's schema; absent for a body the document describes in words only (a stream, HTML). */
  schema?: GenericSchema;
  /** Default application/json. */
  mediaType?: MediaType;
  headers?: Record<string, string>;
}

export interface PathParamSpec {
  schema: GenericSchema;
  description: string;
  /** The value may be sent with its slashes unencoded (an ARM id), so it matches the rest of the path. */
  spansSlashes?: true;
}

export interface RouteSpec {
  method: "get" | "post" | "delete";
  /** OpenAPI style, e.g. /api/executions/{id}. */
  path: string;
  operationId: string;
  summary: string;
  description?: string;
  /** The group in the docs, e.g. "Executions". */
  tag: string;
  /** "public" needs no credential at all. */
  role: Role | "public";
  pathParams?: Record<string, PathParamSpec>;
  /** A strict object of the query string's names; every value arrives as text. */
  query?: GenericSchema;
  body?: GenericSchema;
  /** Its own successes and failures; 401, 403, 413, 429 and 500 are added from the rest of the spec. */
  responses: Record<number, ResponseSpec>;
  /** The largest body it takes, in bytes; see bodyLimitOf for the default. */
  maxBodyBytes?: number;
  /** The per-caller budget it counts against; see rateLimitOf for the default. */
  rateLimit?: RateLimitClass;
}

/**
 * Per-caller budgets a minute: "execute" for asking for runs (HAYMAKER_EXECUTE_LIMIT), "write" for every
 * other request that changes something (HAYMAKER_WRITE_LIMIT). Each class is one budget per caller,
 * shared by the routes in it.
 */
export type RateLimitClass = "execute" | "write";

/** What a route with a body takes unless its spec says otherwise: far above any request it needs. */
export const DEFAULT_MAX_BODY_BYTES = 64 * 1024;

/** What a POST that takes no body may still carry: an empty JSON object, as clients send on any POST. */
export const EMPTY_POST_MAX_BYTES = 16;

/**
 * The largest body the route takes: its own limit; the default when it has a body; else none at all, or an
 * empty object's worth on a POST.
 */
export function bodyLimitOf(spec: RouteSpec): number {
  if (spec.maxBodyBytes !== undefined) return spec.maxBodyBytes;
  if (spec.body !== undefined) return DEFAULT_MAX_BODY_BYTES;
  return spec.method === "post" ? EMPTY_POST_MAX_BYTES : 0;
}

/** The budget the route counts against: its own, "write" for any route that is not a read, else none. */
export function rateLimitOf(spec: RouteSpec): RateLimitClass | undefined {
  return spec.rateLimit ?? (spec.method === "get" ? undefined : "write");
}

/**
 * /api/executions/{id} → /api/executions/:id for Hono; a parameter that spans slashes → :id{.+}. The route
 * and its limits (route-limits.ts) both register this path, so they match the same requests.
 */
export function honoPath(spec: Pick<RouteSpec, "path" | "pathParams">): string {
  return spec.path.replace(/\{(\w+)\}/g, (_, name: string) =>
    spec.pathParams?.[name]?.spansSlashes ? `:${name}{.+}` : `:${name}`,
  );
}
