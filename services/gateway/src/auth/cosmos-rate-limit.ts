// The Cosmos DB adapter of the rate-limit port: each caller's count for a minute is one document in the
// state container, so every gateway replica draws on the same budget. Windows are whole clock minutes (the
// same on every replica), and a window's document is named after its minute: a new minute is a new
// document, so a window that has ended is never counted again, whether or not TTL has removed it yet (the
// emulator never does). Counting is one conditional patch — `incr` where the count is still under the
// limit — which Cosmos DB applies atomically: two replicas can never both take the last request.
import type { Container } from "@azure/cosmos";
import {
  type CosmosConfig,
  cosmosStatus,
  expiryFields,
  openStateContainer,
  type StateDocument,
  stateDocumentId,
  statePartition,
} from "@haymaker/projections";
import { RATE_WINDOW_MS, type RateDecision, type RateLimits } from "./rate-limit.ts";

const KIND = "rate-window";
/** A window's document may go two windows after it was made: by then no replica's clock is still in it. */
const WINDOW_TTL_SECONDS = (2 * RATE_WINDOW_MS) / 1000;
/** A create that lost to another replica's create patches next; a third conflict would be a bug. */
const TRIES = 3;

interface WindowDocument extends StateDocument {
  kind: typeof KIND;
  count: number;
  windowStart: string;
}

export interface CosmosRateLimitOptions {
  /** The clock (tests move it); windows are minutes of it. */
  now?: () => number;
}

export class CosmosRateLimits {
  readonly #container: Container;
  readonly #dispose: () => void;
  readonly #now: () => number;

  /** Over a state container someone else closes, unless `dispose` is given (then close() calls it). */
  constructor(container: Container, options: CosmosRateLimitOptions = {}, dispose: () => void = () => {}) {
    this.#container = container;
    this.#now = options.now ?? Date.now;
    this.#dispose = dispose;
  }

  /** Opens the state container of `config` (creating it when missing) with a client of its own. */
  static async open(config: CosmosConfig, options: CosmosRateLimitOptions = {}): Promise<CosmosRateLimits> {
    const container = await openStateContainer(config);
    return new CosmosRateLimits(container, options, () => container.database.client.dispose());
  }

  /** The budgets, as the gateway asks for them (GatewayDeps.rateLimits). */
  readonly rateLimits: RateLimits = (budget, perMinute) => ({
    perMinute,
    take: (caller) => this.#take(budget, perMinute, caller),
  });

  close(): void {
    this.#dispose();
  }

  async #take(budget: string, perMinute: number, caller: string): Promise<RateDecision> {
    const at = this.#now();
    const window = Math.floor(at / RATE_WINDOW_MS);
    const resetSeconds = Math.max(1, Math.ceil(((window + 1) * RATE_WINDOW_MS - at) / 1000));
    const pk = statePartition("gateway", `rate-limit:${budget}:${caller}`);
    // Unique in the whole container, not only in its partition: the emulator evaluates a patch's condition
    // on the first document with the id in any partition (Cosmos DB itself keeps partitions apart).
    const id = stateDocumentId(`${budget}:${caller}:w-${window}`);
    const item = this.#container.item(id, pk);
    for (let attempt = 1; ; attempt++) {
      try {
        const { resource } = await item.patch<WindowDocument>({
          condition: `FROM c WHERE c.count < ${perMinute}`,
          operations: [{ op: "incr", path: "/count", value: 1 }],
        });
        const count = resource?.count ?? perMinute;
        return { allowed: true, remaining: Math.max(0, perMinute - count), resetSeconds };
      } catch (error) {
        const status = cosmosStatus(error);
        if (status === 412) return { allowed: false, remaining: 0, resetSeconds };
        if (status !== 404 || attempt >= TRIES) throw error;
      }
      // The caller's first request this minute: start the window at 1.
      const document: WindowDocument = {
        id,
        pk,
        kind: KIND,
        count: 1,
        windowStart: new Date(window * RATE_WINDOW_MS).toISOString(),
        ...expiryFields(WINDOW_TTL_SECONDS, at),
      };
      try {
        await this.#container.items.create(document);
        return { allowed: true, remaining: perMinute - 1, resetSeconds };
      } catch (error) {
        if (cosmosStatus(error) !== 409 || attempt >= TRIES) throw error;
      }
    }
  }
}
