// The Cosmos DB stand-in for tests: @vercel/cosmosdb-server in this process, over plain HTTP on a free
// loopback port. Its gaps (no TTL enforcement; no OFFSET/LIMIT, GROUP BY or DISTINCT; the partitionKey
// option ignored on queries; a broken change feed) are listed in the @haymaker/projections README.
import type { AddressInfo } from "node:net";
import { createHttpServer } from "@vercel/cosmosdb-server";

/** Any key signs in: the emulator checks none. */
const EMULATOR_KEY = "emulator-key";

export interface CosmosEmulator {
  /** `http://127.0.0.1:<port>`. */
  endpoint: string;
  key: string;
  /** A database name for this emulator; tests that must share nothing pass their own instead. */
  database: string;
  /**
   * The emulator's account metadata names https:// locations that the SDK would switch to; discovery off
   * keeps the client on the endpoint as given (cosmosConfigFromEnv does the same for any http:// endpoint).
   */
  clientOptions: { connectionPolicy: { enableEndpointDiscovery: false } };
  /** The variables that point a service at this emulator (read by cosmosConfigFromEnv). */
  env: {
    HAYMAKER_COSMOS_ENDPOINT: string;
    HAYMAKER_COSMOS_KEY: string;
    HAYMAKER_COSMOS_DATABASE: string;
  };
  /** These settings with a database no other call got (`<prefix>-<n>`), so that tests share nothing. */
  freshDatabase(prefix: string): Omit<CosmosEmulator, "env" | "stop" | "freshDatabase">;
  stop(): Promise<void>;
}

/** Starts an emulator; its fields (but `env` and `stop`) make a CosmosConfig of @haymaker/projections. */
export async function startCosmosEmulator(database = "haymaker-test"): Promise<CosmosEmulator> {
  const server = createHttpServer();
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const clientOptions = { connectionPolicy: { enableEndpointDiscovery: false } } as const;
  let databases = 0;
  return {
    endpoint,
    key: EMULATOR_KEY,
    database,
    clientOptions,
    env: {
      HAYMAKER_COSMOS_ENDPOINT: endpoint,
      HAYMAKER_COSMOS_KEY: EMULATOR_KEY,
      HAYMAKER_COSMOS_DATABASE: database,
    },
    freshDatabase(prefix) {
      databases += 1;
      return { endpoint, key: EMULATOR_KEY, database: `${prefix}-${databases}`, clientOptions };
    },
    async stop() {
      // Clients keep sockets alive; close them so that close() does not wait for their idle timeout.
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) =>
        server.close((error) => (error ? reject(error) : resolve())),
      );
    },
  };
}
