// What the gateway's routes need from the outside, passed in so tests can wire real local adapters.
import type { HayMakerEvent, ScenarioCatalogue } from "@haymaker/contracts";
import type { ProjectionStore } from "@haymaker/projections";
import type { ReportStore } from "@haymaker/stores";
import type { Context } from "hono";

export interface GatewayDeps {
  publish(event: HayMakerEvent): Promise<void>;
  catalogue(): Promise<ScenarioCatalogue>;
  projections: ProjectionStore;
  reports: ReportStore;
  /** Who made the request, for requestedBy. */
  caller(c: Context): string;
}
