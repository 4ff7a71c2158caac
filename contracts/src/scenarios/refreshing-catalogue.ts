// The catalogue as a service that runs for days sees it: read at start, and read again when an event names
// a scenario it does not have (at most every few seconds), so an operator who adds the missing scenario
// can replay the dead-lettered events without restarting anything.
import type { ScenarioId } from "../ids.ts";
import { loadScenarioCatalogue, type ScenarioCatalogue } from "./catalogue.ts";
import type { Scenario } from "./schema.ts";

export const CATALOGUE_REREAD_MS = 5_000;

export class RefreshingCatalogue {
  readonly #directory: string;
  readonly #rereadAfterMs: number;
  #current: ScenarioCatalogue;
  #readAt: number;

  private constructor(directory: string, first: ScenarioCatalogue, rereadAfterMs: number) {
    this.#directory = directory;
    this.#current = first;
    this.#readAt = Date.now();
    this.#rereadAfterMs = rereadAfterMs;
  }

  /** Reads the directory once; the caller decides what the first read's errors mean (see `errors`). */
  static async open(directory: string, rereadAfterMs = CATALOGUE_REREAD_MS): Promise<RefreshingCatalogue> {
    return new RefreshingCatalogue(directory, await loadScenarioCatalogue(directory), rereadAfterMs);
  }

  get scenarios(): ReadonlyMap<ScenarioId, Scenario> {
    return this.#current.scenarios;
  }

  get errors(): ScenarioCatalogue["errors"] {
    return this.#current.errors;
  }

  /**
   * The scenarios, read again first when one of `ids` is missing and the last read is older than the
   * re-read interval. A file that fails to parse on a later read leaves only itself out, as at start.
   */
  async having(ids: readonly string[]): Promise<ReadonlyMap<ScenarioId, Scenario>> {
    const missing = ids.some((id) => !this.#current.scenarios.has(id));
    if (missing && Date.now() - this.#readAt >= this.#rereadAfterMs) {
      this.#readAt = Date.now();
      this.#current = await loadScenarioCatalogue(this.#directory);
    }
    return this.#current.scenarios;
  }
}
