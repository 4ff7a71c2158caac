import { describe, onTestFinished } from "vitest";
import type { ProjectionStore } from "../projection-store.ts";
import { describeCleanupContract } from "./cleanup-contract.ts";
import type { MakeProjectionStore } from "./helpers.ts";
import { describeLifecycleContract } from "./lifecycle-contract.ts";
import { describeLogsAndMetricsContract } from "./logs-metrics-contract.ts";
import { describeOrderContract } from "./order-contract.ts";
import { describeReadsContract } from "./reads-contract.ts";
import { describeRunEventsContract } from "./run-events-contract.ts";

/** The behaviour every ProjectionStore adapter must have. `makeStore` makes an empty store per call. */
export function projectionStoreContract(name: string, makeStore: MakeProjectionStore): void {
  const makeAndClose = async (): Promise<ProjectionStore> => {
    const store = await makeStore();
    onTestFinished(() => store.close());
    return store;
  };
  describe(`ProjectionStore contract: ${name}`, () => {
    describeLifecycleContract(makeAndClose);
    describeOrderContract(makeAndClose);
    describeReadsContract(makeAndClose);
    describeLogsAndMetricsContract(makeAndClose);
    describeRunEventsContract(makeAndClose);
    describeCleanupContract(makeAndClose);
  });
}
