// projector as a phase (resident, or one job execution with --until-idle): consumes its subscription on
// every topic and projects each event into the projection store (SQLite under the data directory, or
// Cosmos DB), which the gateway reads.
import { runPhase } from "@haymaker/bus";
import { configOrExit } from "@haymaker/config";
import { subscriptionsOf } from "@haymaker/contracts";
import { openProjectionStore } from "@haymaker/projections";
import { projectorConfig } from "./config.ts";
import { projectEvent } from "./handler.ts";

export async function main(): Promise<void> {
  const config = configOrExit(projectorConfig);
  const store = await openProjectionStore(config.cosmos, config.dataDirectory);
  await runPhase({
    phase: "projector",
    config,
    close: [() => store.close()],
    startFields: { store: String(store), subscriptions: subscriptionsOf("projector").length },
    // One handler for every event: projectEvent dispatches on the type itself.
    handlers: () => async (event, context) => {
      await projectEvent(store, event, context.logger);
    },
  });
}
