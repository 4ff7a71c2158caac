// What the gateway's routes need from the outside, passed in so tests can wire real local adapters.
import type { HayMakerEvent, ScenarioCatalogue } from "@haymaker/contracts";
import type { ProjectionStore } from "@haymaker/projections";
import type { ReportStore } from "@haymaker/stores";
import type { ApiKeyStore } from "./auth/api-key-store.ts";
import type { EntraTokenVerifier } from "./auth/entra-tokens.ts";
import type { RateLimits } from "./auth/rate-limit.ts";
import type { DeadLetterAccess } from "./routes/dead-letter-access.ts";
import type { DependencyCheck } from "./routes/health.ts";
import type { StreamSettings } from "./streams/sse-loop.ts";
import type { StreamSlots } from "./streams/stream-slots.ts";

export interface GatewayDeps {
  publish(event: HayMakerEvent): Promise<void>;
  catalogue(): Promise<ScenarioCatalogue>;
  projections: ProjectionStore;
  reports: ReportStore;
  keys: ApiKeyStore;
  /** Accepts Entra ID access tokens beside API keys; absent when the gateway takes API keys only. */
  entra?: EntraTokenVerifier;
  /** How many executes a minute one caller may ask for. */
  executeLimitPerMinute: number;
  /** How many other writes (cancel, cleanup, keys, dead letters…) a minute one caller may make; default 60. */
  writeLimitPerMinute?: number;
  /** Where those budgets are counted: this process's memory by default, Cosmos DB to share them among replicas. */
  rateLimits?: RateLimits;
  /** The scheduler's schedule (a cron expression, UTC, or "off"), for /api/status; default "off". */
  schedule?: string;
  /** What /api/health checks besides projections, catalogue and keys (e.g. the bus). */
  checks?: DependencyCheck[];
  /** Dead-letter queues and replay operations; absent when the gateway has no bus (the routes answer 503). */
  deadLetters?: DeadLetterAccess;
  /** How streams (Server-Sent Events) poll the projections, keep idle connections open, and how many may be open. */
  streams?: Partial<StreamSettings>;
}

/** What routes get: the deps, and where to report an error they handle themselves (a stream's). */
export interface RouteDeps extends GatewayDeps {
  schedule: string;
  streams: StreamSettings;
  /** The streams open now, against the caps in `streams`. */
  streamSlots: StreamSlots;
  reportError(error: unknown, path: string): void;
}
