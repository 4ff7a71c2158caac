// The Cosmos DB stand-in (@vercel/cosmosdb-server) in the local stack's own process, over plain http on
// loopback. It keeps everything in memory (a restart of the stack starts the projections and ledgers
// empty) and does not check the account key; HayMaker's Cosmos adapters talk to it with the same
// @azure/cosmos client they use against Azure.
import { randomBytes } from "node:crypto";
import type { AddressInfo } from "node:net";
import { createHttpServer } from "@vercel/cosmosdb-server";

export interface RunningCosmos {
  endpoint: string;
  /** Sent by the services as Azure requires; this stand-in accepts any key. */
  key: string;
  stop(): Promise<void>;
}

export async function startCosmos(port: number): Promise<RunningCosmos> {
  const server = createHttpServer();
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve());
  });
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    key: randomBytes(64).toString("base64"),
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
