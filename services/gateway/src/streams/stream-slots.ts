// How many Server-Sent Event streams may be open at once, per caller and in all: each one holds a
// connection and polls the projections, so without a cap one caller could tie up the gateway. Counted per
// replica (HAYMAKER_STREAMS_PER_CALLER, HAYMAKER_STREAMS_TOTAL); a stream gives its slot back when it ends,
// however it ends (its last event sent, the client gone, an error).

export interface StreamLimits {
  /** Streams one caller may have open at once. */
  perCaller: number;
  /** Streams open at once over all callers. */
  total: number;
}

export const DEFAULT_STREAM_LIMITS: StreamLimits = { perCaller: 10, total: 200 };

/** What a caller refused a stream is told to wait before trying again. */
export const STREAM_RETRY_AFTER_SECONDS = 5;

export class StreamSlots {
  readonly limits: StreamLimits;
  readonly #byCaller = new Map<string, number>();
  #open = 0;

  constructor(limits: StreamLimits) {
    this.limits = limits;
  }

  /**
   * Takes a slot for `caller`: the function that gives it back (calling it again does nothing), or which
   * cap is reached.
   */
  take(caller: string): { release: () => void } | { refused: "caller" | "total" } {
    const mine = this.#byCaller.get(caller) ?? 0;
    if (mine >= this.limits.perCaller) return { refused: "caller" };
    if (this.#open >= this.limits.total) return { refused: "total" };
    this.#byCaller.set(caller, mine + 1);
    this.#open++;
    let held = true;
    return {
      release: () => {
        if (!held) return;
        held = false;
        this.#open--;
        const left = (this.#byCaller.get(caller) ?? 1) - 1;
        if (left === 0) this.#byCaller.delete(caller);
        else this.#byCaller.set(caller, left);
      },
    };
  }
}
