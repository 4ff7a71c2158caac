// A request the gateway puts on the bus and records in the projections itself, so that the Location its
// 202 hands out answers at once rather than after the projector catches up. The projector applies the
// same event later and, finding its id applied, changes nothing.
import type { HayMakerEvent } from "@haymaker/contracts";
import type { RouteDeps } from "../gateway-deps.ts";

export async function publishAndRecord(deps: RouteDeps, event: HayMakerEvent, path: string): Promise<void> {
  await deps.publish(event);
  try {
    await deps.projections.apply(event);
  } catch (error) {
    // The event is on the bus and the projector will record it; only the head start is lost.
    deps.reportError(error, path);
  }
}
