// What the gateway's routes need from the outside, passed in so tests can wire real local adapters.
import type { HayMakerEvent, ScenarioCatalogue } from "@haymaker/contracts";
import type { ProjectionStore } from "@haymaker/projections";
import type { ReportStore } from "@haymaker/stores";
import type { ApiKeyStore } from "./auth/api-key-store.ts";

export interface GatewayDeps {
  publish(event: HayMakerEvent): Promise<void>;
  catalogue(): Promise<ScenarioCatalogue>;
  projections: ProjectionStore;
  reports: ReportStore;
  keys: ApiKeyStore;
  /** How many executes a minute one caller may ask for. */
  executeLimitPerMinute: number;
}
