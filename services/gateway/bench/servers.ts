// The two HTTP servers the benchmark loads: the real gateway over a populated store with a reader key,
// and a bare Hono app whose one route answers the same JSON with nothing behind it. The difference between
// them is what the gateway's own work (key check, projections read, report file) costs per request.
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { loadScenarioCatalogue } from "@haymaker/contracts";
import type { ProjectionStore } from "@haymaker/projections";
import type { ReportStore } from "@haymaker/stores";
import { type ServerType, serve } from "@hono/node-server";
import { Hono } from "hono";
import { createGateway } from "../src/app.ts";
import type { ApiKeyStore } from "../src/auth/api-key-store.ts";
import { DEFAULT_STREAM_SETTINGS } from "../src/streams/sse-loop.ts";

const SCENARIOS = fileURLToPath(new URL("../../../scenarios", import.meta.url));

export interface Listening {
  url: string;
  close(): Promise<void>;
}

/** Serves `app` on 127.0.0.1 at a free port. */
export function listen(app: Hono): Promise<Listening> {
  return new Promise((resolve, reject) => {
    const server: ServerType = serve(
      { fetch: app.fetch, port: 0, hostname: "127.0.0.1" },
      (info: AddressInfo) =>
        resolve({
          url: `http://127.0.0.1:${info.port}`,
          close: () =>
            new Promise<void>((done) => {
              // Autocannon's keep-alive sockets would hold close() open; the run is over, so end them.
              (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
              server.close(() => done());
            }),
        }),
    );
    server.once("error", reject);
  });
}

export interface GatewayApp {
  app: Hono;
  /** How many requests the gateway answered with 500 (it logs each one). */
  failures(): number;
}

export function gatewayApp(deps: {
  projections: ProjectionStore;
  reports: ReportStore;
  keys: ApiKeyStore;
}): GatewayApp {
  let failures = 0;
  const app = createGateway(
    {
      ...deps,
      publish: async () => {
        throw new Error("the read benchmark publishes no events");
      },
      catalogue: () => loadScenarioCatalogue(SCENARIOS),
      executeLimitPerMinute: 10,
      schedule: "off",
      streams: DEFAULT_STREAM_SETTINGS,
    },
    () => {
      failures += 1;
    },
  );
  return { app, failures: () => failures };
}

/** One route answering `body` as JSON, the way the gateway answers an execution. */
export function bareApp(path: string, body: unknown): Hono {
  const app = new Hono();
  app.get(path, (c) => c.json(body));
  return app;
}
