// Reads every agent-telemetry event off the projector's subscription while a test runs, so the test can
// look at what a given run published.
import { decodeEvent } from "@haymaker/cloudevents";
import type { EventOf, HayMakerEvent } from "@haymaker/contracts";
import type { HayMakerBus } from "@haymaker/testing";

type TelemetryName = "agent.log" | "agent.progress" | "agent.resource.created" | "agent.resource.deleted";

export interface TappedEvent {
  event: HayMakerEvent;
  /** The message as it came off the bus: the envelope and body, for searching for secrets. */
  raw: string;
}

export class TelemetryTap {
  readonly #receiver;
  readonly #subscription;
  readonly #seen: TappedEvent[] = [];

  constructor(bus: HayMakerBus) {
    this.#receiver = bus.client.createReceiver("agent-telemetry", "projector", {
      receiveMode: "receiveAndDelete",
    });
    // A streaming subscription: batch receives in receiveAndDelete mode drop what arrives between calls.
    this.#subscription = this.#receiver.subscribe({
      processMessage: async (message) => {
        this.#seen.push({
          event: decodeEvent(message),
          raw: JSON.stringify({ body: message.body, properties: message.applicationProperties }),
        });
      },
      processError: async ({ error }) => {
        throw error;
      },
    });
  }

  /** The events of one run so far, in the order published. */
  of(runId: string): TappedEvent[] {
    return this.#seen.filter(({ event }) => event.correlationid === runId);
  }

  typed<N extends TelemetryName>(runId: string, name: N): EventOf<N>[] {
    const type = `com.haymaker.${name}.v1`;
    return this.of(runId)
      .map(({ event }) => event)
      .filter((event): event is EventOf<N> & HayMakerEvent => event.type === type) as EventOf<N>[];
  }

  /** Waits until `predicate` holds for the run's events. */
  async waitFor(
    runId: string,
    predicate: (events: TappedEvent[]) => boolean,
    timeoutMs = 20_000,
  ): Promise<void> {
    const giveUp = Date.now() + timeoutMs;
    while (!predicate(this.of(runId))) {
      if (Date.now() > giveUp) {
        throw new Error(
          `timed out waiting for telemetry of ${runId} (${this.of(runId).length} events so far)`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  async close(): Promise<void> {
    await this.#subscription.close();
    await this.#receiver.close();
  }
}
