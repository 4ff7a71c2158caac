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
  pathParams?: Record<string, { schema: GenericSchema; description: string }>;
  /** A strict object of the query string's names; every value arrives as text. */
  query?: GenericSchema;
  body?: GenericSchema;
  /** Its own successes and failures; 401, 403, 429 and 500 are added from role and rateLimited. */
  responses: Record<number, ResponseSpec>;
  /** Counted against the caller's per-minute execute budget. */
  rateLimited?: boolean;
}

/** /api/executions/{id} → /api/executions/:id for Hono. */
export function honoPath(spec: Pick<RouteSpec, "path">): string {
  return spec.path.replace(/\{(\w+)\}/g, ":$1");
}
