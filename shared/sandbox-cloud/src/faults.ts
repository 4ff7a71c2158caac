// Fault injection for tests: a seeded draw per eligible call decides whether it fails, and with which
// status, before anything is performed. Seeded so a failing test replays the same faults.
export type FaultCategory = "read" | "write" | "delete" | "action" | "list";

export interface FaultOptions {
  /** Probability (0..1) that a call of each category fails. Categories left out never fail. */
  rates: Partial<Record<FaultCategory, number>>;
  /** Statuses to choose from, uniformly. Default [409, 429, 500]. */
  statuses?: number[];
  /** Seed for the draws; the same seed and call sequence give the same faults. */
  seed?: number;
}

export interface InjectedFault {
  status: number;
  code: string;
  message: string;
  headers: Record<string, string>;
}

const defaultStatuses = [409, 429, 500];
const categories: FaultCategory[] = ["read", "write", "delete", "action", "list"];

export class Faults {
  #options: FaultOptions | undefined;
  #next: () => number = Math.random;

  constructor(options?: FaultOptions) {
    this.configure(options);
  }

  configure(options: FaultOptions | undefined): void {
    if (options !== undefined) validate(options);
    this.#options = options;
    this.#next = mulberry32(options?.seed ?? Math.floor(Math.random() * 2 ** 32));
  }

  /** The fault to answer with, or undefined to let the call through. */
  draw(category: FaultCategory): InjectedFault | undefined {
    const rate = this.#options?.rates[category] ?? 0;
    if (rate <= 0 || this.#next() >= rate) return undefined;
    const statuses = this.#options?.statuses ?? defaultStatuses;
    const status = statuses[Math.floor(this.#next() * statuses.length)] ?? 500;
    return describe(status);
  }
}

function describe(status: number): InjectedFault {
  const suffix = "(injected by the sandbox cloud's fault injection)";
  if (status === 429) {
    return {
      status,
      code: "TooManyRequests",
      message: `The request was throttled; retry after the interval in Retry-After ${suffix}.`,
      headers: { "retry-after": "1" },
    };
  }
  if (status === 409) {
    return {
      status,
      code: "Conflict",
      message: `Another operation is in progress on the target; retry later ${suffix}.`,
      headers: {},
    };
  }
  if (status === 500) {
    return {
      status,
      code: "InternalServerError",
      message: `The server encountered an internal error ${suffix}.`,
      headers: {},
    };
  }
  if (status === 503) {
    return {
      status,
      code: "ServiceUnavailable",
      message: `The service is temporarily unavailable ${suffix}.`,
      headers: { "retry-after": "1" },
    };
  }
  return { status, code: `Http${status}`, message: `The request failed ${suffix}.`, headers: {} };
}

function validate(options: FaultOptions): void {
  for (const [category, rate] of Object.entries(options.rates)) {
    if (!categories.includes(category as FaultCategory))
      throw new Error(`Unknown fault category '${category}'.`);
    if (typeof rate !== "number" || !(rate >= 0 && rate <= 1)) {
      throw new Error(`Fault rate for '${category}' must be between 0 and 1.`);
    }
  }
  const statuses = options.statuses;
  if (
    statuses !== undefined &&
    (statuses.length === 0 || statuses.some((s) => !(Number.isInteger(s) && s >= 400 && s <= 599)))
  ) {
    throw new Error("Fault statuses must be a non-empty list of 4xx/5xx codes.");
  }
}

/** A small, well-known 32-bit PRNG: enough for reproducible test faults, not for anything secret. */
function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
