// The Cosmos DB adapter of the API key port: one document per key in the state container, all in one
// partition (keys are few, and listing them is then one single-partition query). Every replica reads the
// key's document on each verify — a point read, 1 RU — so a revocation through any replica is refused by
// the next request on every replica; no replica trusts a key it verified earlier.
import type { Container } from "@azure/cosmos";
import {
  type CosmosConfig,
  cosmosStatus,
  openStateContainer,
  type StateDocument,
  statePartition,
} from "@haymaker/projections";
import {
  type ApiKeyRecord,
  type ApiKeyStore,
  isKeyId,
  mintKey,
  parseKey,
  type Role,
  sameHash,
} from "./api-key-store.ts";

/** The partition every key's document is in. */
export const API_KEYS_PARTITION = statePartition("gateway", "api-keys");
const KIND = "api-key";
/** Two keys minted with the same random id are as likely as a lottery win twice; three tries end it. */
const CREATE_TRIES = 3;

interface ApiKeyDocument extends StateDocument {
  kind: typeof KIND;
  /** SHA-256 of the key's secret, base64: the same hash the SQLite adapter keeps as bytes. */
  secretHash: string;
  role: Role;
  name: string;
  createdAt: string;
  revokedAt?: string;
}

export class CosmosApiKeyStore implements ApiKeyStore {
  readonly #container: Container;
  readonly #dispose: () => void;

  /** Over a state container someone else closes, unless `dispose` is given (then close() calls it). */
  constructor(container: Container, dispose: () => void = () => {}) {
    this.#container = container;
    this.#dispose = dispose;
  }

  /** Opens the state container of `config` (creating it when missing) with a client of its own. */
  static async open(config: CosmosConfig): Promise<CosmosApiKeyStore> {
    const container = await openStateContainer(config);
    return new CosmosApiKeyStore(container, () => container.database.client.dispose());
  }

  async create(role: Role, name: string): Promise<{ record: ApiKeyRecord; key: string }> {
    for (let attempt = 1; ; attempt++) {
      const { id, secretHash, key } = mintKey();
      const record: ApiKeyRecord = { id, name, role, createdAt: new Date().toISOString() };
      const document: ApiKeyDocument = {
        id,
        pk: API_KEYS_PARTITION,
        kind: KIND,
        secretHash: secretHash.toString("base64"),
        role,
        name,
        createdAt: record.createdAt,
      };
      try {
        await this.#container.items.create(document);
        return { record, key };
      } catch (error) {
        if (cosmosStatus(error) !== 409 || attempt >= CREATE_TRIES) throw error;
      }
    }
  }

  async verify(key: string): Promise<ApiKeyRecord | undefined> {
    const presented = parseKey(key);
    if (presented === undefined) return undefined;
    const { resource } = await this.#container.item(presented.id, API_KEYS_PARTITION).read<ApiKeyDocument>();
    if (resource === undefined || resource.kind !== KIND || resource.revokedAt !== undefined)
      return undefined;
    if (!sameHash(Buffer.from(resource.secretHash, "base64"), presented.secretHash)) return undefined;
    return recordOf(resource);
  }

  async list(): Promise<ApiKeyRecord[]> {
    const { resources } = await this.#container.items
      .query<ApiKeyDocument>({
        query: "SELECT * FROM c WHERE c.pk = @pk AND c.kind = @kind ORDER BY c.createdAt",
        parameters: [
          { name: "@pk", value: API_KEYS_PARTITION },
          { name: "@kind", value: KIND },
        ],
      })
      .fetchAll();
    // Keys created in the same millisecond come back in either order; their ids decide, as in SQLite.
    return resources
      .map(recordOf)
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
  }

  /**
   * Sets revokedAt on the document as it was read, conditional on its etag: of two replicas revoking at
   * once, Cosmos DB applies one and answers the other 412, which reads the key again and finds it revoked.
   * (A patch condition on IS_DEFINED would do in one call, but the emulator evaluates IS_DEFINED wrongly
   * in patch conditions.)
   */
  async revoke(id: string): Promise<boolean> {
    if (!isKeyId(id)) return false;
    const item = this.#container.item(id, API_KEYS_PARTITION);
    for (;;) {
      const { resource } = await item.read<ApiKeyDocument>();
      if (resource === undefined || resource.kind !== KIND || resource.revokedAt !== undefined) return false;
      try {
        await item.patch([{ op: "set", path: "/revokedAt", value: new Date().toISOString() }], {
          accessCondition: { type: "IfMatch", condition: resource._etag ?? "" },
        });
        return true;
      } catch (error) {
        const status = cosmosStatus(error);
        if (status === 404) return false;
        if (status !== 412) throw error;
      }
    }
  }

  close(): void {
    this.#dispose();
  }
}

function recordOf(document: ApiKeyDocument): ApiKeyRecord {
  return {
    id: document.id,
    name: document.name,
    role: document.role,
    createdAt: document.createdAt,
    ...(document.revokedAt === undefined ? {} : { revokedAt: document.revokedAt }),
  };
}
