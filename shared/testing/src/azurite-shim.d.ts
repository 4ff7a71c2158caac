// azurite ships JavaScript only. These are the few classes and constants startAzurite() loads from it,
// typed as far as it uses them (azurite 3.37.0).

declare module "azurite/dist/src/blob/BlobConfiguration.js" {
  export default class BlobConfiguration {
    constructor(
      host: string,
      port: number,
      keepAliveTimeout: number | undefined,
      metadataDBPath: string,
      extentDBPath: string,
      persistencePathArray: unknown[] | undefined,
      enableAccessLog: boolean,
      accessLogWriteStream: NodeJS.WritableStream | undefined,
      enableDebugLog: boolean,
      debugLogFilePath: string | undefined,
      loose: boolean,
      skipApiVersionCheck: boolean,
      cert: string,
      key: string,
      pwd: string,
      oauth: string | undefined,
      disableProductStyleUrl: boolean,
      isMemoryPersistence: boolean,
      memoryStore: unknown,
    );
  }
}

declare module "azurite/dist/src/blob/BlobServer.js" {
  import type BlobConfiguration from "azurite/dist/src/blob/BlobConfiguration.js";

  export default class BlobServer {
    constructor(configuration: BlobConfiguration);
    start(): Promise<void>;
    close(): Promise<void>;
    /** e.g. `http://127.0.0.1:41234`. */
    getHttpServerAddress(): string;
  }
}

declare module "azurite/dist/src/common/persistence/MemoryExtentStore.js" {
  /** Where an in-memory server keeps blob contents; without a size limit it grows as needed. */
  export class MemoryExtentChunkStore {
    constructor(sizeLimit?: number);
  }
}

declare module "azurite/dist/src/blob/utils/constants.js" {
  /** The emulator's one account, devstoreaccount1. */
  export const EMULATOR_ACCOUNT_NAME: string;
  /** Its key, published by Microsoft for every Azurite. */
  export const EMULATOR_ACCOUNT_KEY_STR: string;
}
