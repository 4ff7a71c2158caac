// Azurite (Microsoft's Blob Storage emulator) in this process for tests: a free loopback port, nothing
// written to disk. The azurite package's main entry is its VS Code extension, so its Blob server is loaded
// by a deep import (typed by azurite-shim.d.ts), and only when a test asks for it: loading takes ~0.6 s.
import { createRequire } from "node:module";

export interface Azurite {
  /** The dev account's Blob endpoint, e.g. `http://127.0.0.1:41234/devstoreaccount1`. */
  url: string;
  /** A connection string for the dev account (Azurite's published, well-known key). */
  connectionString: string;
  stop(): Promise<void>;
}

const require = createRequire(import.meta.url);

/** Starts Azurite's Blob service, in memory, on 127.0.0.1 and a free port. */
export async function startAzurite(): Promise<Azurite> {
  const BlobServer: typeof import("azurite/dist/src/blob/BlobServer.js").default =
    require("azurite/dist/src/blob/BlobServer.js").default;
  const BlobConfiguration: typeof import("azurite/dist/src/blob/BlobConfiguration.js").default =
    require("azurite/dist/src/blob/BlobConfiguration.js").default;
  const {
    MemoryExtentChunkStore,
  }: typeof import("azurite/dist/src/common/persistence/MemoryExtentStore.js") =
    require("azurite/dist/src/common/persistence/MemoryExtentStore.js");
  const constants: typeof import("azurite/dist/src/blob/utils/constants.js") = require("azurite/dist/src/blob/utils/constants.js");
  const configuration = new BlobConfiguration(
    "127.0.0.1",
    0,
    undefined, // keep-alive timeout: Azurite's default
    "blob-metadata.json", // names of the in-memory databases; nothing is written
    "blob-extents.json",
    undefined,
    false, // access log
    undefined,
    false, // debug log
    undefined,
    false, // loose mode: refuse headers Azure would refuse
    // The SDK is newer than the emulator and sends an API version Azurite does not know yet.
    true, // skipApiVersionCheck
    "",
    "",
    "",
    undefined, // no OAuth: clients sign with the account key
    false,
    true, // in-memory persistence
    // Its own chunk store, freed with the server; the default one is shared by every server in the process.
    new MemoryExtentChunkStore(),
  );
  const server = new BlobServer(configuration);
  await server.start();
  const url = `${server.getHttpServerAddress()}/${constants.EMULATOR_ACCOUNT_NAME}`;
  return {
    url,
    connectionString: [
      "DefaultEndpointsProtocol=http",
      `AccountName=${constants.EMULATOR_ACCOUNT_NAME}`,
      `AccountKey=${constants.EMULATOR_ACCOUNT_KEY_STR}`,
      `BlobEndpoint=${url}`,
      "",
    ].join(";"),
    stop: () => server.close(),
  };
}
