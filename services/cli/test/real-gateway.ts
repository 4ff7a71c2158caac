// The real gateway app over real local adapters (in-memory SQLite projections and keys, file reports),
// served on a local port, with helpers to project events into it.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { newEvent } from "@haymaker/cloudevents";
import { type EventName, EXAMPLE_DATA, type HayMakerEvent, loadScenarioCatalogue } from "@haymaker/contracts";
import { createGateway } from "@haymaker/gateway";
import { SqliteApiKeyStore } from "@haymaker/gateway/api-keys";
import { SqliteProjectionStore } from "@haymaker/projections";
import { FileReportStore } from "@haymaker/stores";
import { serveOnLocalPort } from "./run-cli.ts";

export const SCENARIOS = fileURLToPath(new URL("../../../scenarios", import.meta.url));

/** `extra` adds or replaces dependencies, e.g. deadLetters over a test bus. */
export async function startRealGateway(extra: Partial<Parameters<typeof createGateway>[0]> = {}) {
  const published: HayMakerEvent[] = [];
  const projections = SqliteProjectionStore.inMemory();
  const keys = new SqliteApiKeyStore(":memory:");
  const reports = new FileReportStore(mkdtempSync(join(tmpdir(), "cli-reports-")));
  const admin = (await keys.create("admin", "test-admin")).key;
  const reader = (await keys.create("reader", "test-reader")).key;
  const app = createGateway(
    {
      publish: async (event) => void published.push(event),
      catalogue: () => loadScenarioCatalogue(SCENARIOS),
      projections,
      reports,
      keys,
      executeLimitPerMinute: 100,
      schedule: "0 0,6,12,18 * * *",
      // Quick polls and heartbeats, so followed logs end soon after their agent does.
      streams: { pollMs: 50, heartbeatMs: 1000 },
      ...extra,
    },
    () => {},
  );
  const server = await serveOnLocalPort(app.fetch);
  /** Projects one event: the contracts' example payload with `data` on top. */
  const project = <N extends EventName>(name: N, data: Record<string, unknown> = {}) =>
    projections.apply(
      newEvent(name, {
        source: "/haymaker/test",
        // biome-ignore lint/suspicious/noExplicitAny: test data spread over the example payload
        data: { ...EXAMPLE_DATA[name], ...data } as any,
      }),
    );
  const as = (key: string) => ({ HAYMAKER_ENDPOINT: server.url, HAYMAKER_API_KEY: key });
  return { ...server, published, projections, keys, reports, admin, reader, project, as };
}
