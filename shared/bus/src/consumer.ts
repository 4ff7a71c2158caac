// Consumes one subscription with a typed handler and settles every message:
//   success                         → complete
//   not a valid HayMaker event      → dead-letter InvalidEvent (at once: retrying cannot fix it)
//   UnprocessableEventError         → dead-letter with the handler's reason
//   any other error (transient)     → abandon after a backoff; the broker dead-letters it once the
//                                     subscription's max delivery count is reached
// Locks are renewed while a handler runs; stop() lets in-flight handlers finish and settle before returning.
import type {
  ProcessErrorArgs,
  ServiceBusClient,
  ServiceBusReceivedMessage,
  ServiceBusReceiver,
} from "@azure/service-bus";
import { CloudEventDecodeError, decodeEvent, withTraceContext } from "@haymaker/cloudevents";
import { type EventName, type EventOf, type HayMakerEvent, topology } from "@haymaker/contracts";
import { type Logger, silentLogger } from "@haymaker/logging";
import { DEAD_LETTER_REASONS, describeCause, UnprocessableEventError } from "./dead-letter.ts";

export interface DeliveryInfo {
  /** 0 on the first delivery. */
  deliveryCount: number;
  sequenceNumber: bigint | undefined;
  enqueuedTime: Date | undefined;
}

export interface HandlerContext {
  delivery: DeliveryInfo;
  /** Aborted when the consumer is stopping: a long handler may give up early (its message is retried). */
  signal: AbortSignal;
  logger: Logger;
}

export type EventHandler<E extends HayMakerEvent = HayMakerEvent> = (
  event: E,
  context: HandlerContext,
) => Promise<void>;

export interface ConsumerOptions<N extends EventName> {
  topic: string;
  subscription: string;
  /** The event types this subscription carries; anything else is dead-lettered as InvalidEvent. */
  accepts: readonly N[];
  handler: EventHandler<EventOf<N>>;
  /** Messages handled at once (default 4). */
  concurrency?: number;
  /** How long locks are renewed for a running handler (default 5 minutes). */
  maxLockRenewalMs?: number;
  /** Backoff before a failed message is abandoned: base × 2^deliveryCount, capped (defaults 1 s, 30 s). */
  retryBaseMs?: number;
  retryMaxMs?: number;
  /**
   * The subscription's max delivery count (default: from the topology). On the last delivery a failing
   * handler's message is dead-lettered here as HandlerError with its cause, rather than left to the broker's
   * MaxDeliveryCountExceeded, which says nothing of why: operators group failures by cause.
   */
  maxDeliveryCount?: number;
  logger?: Logger;
}

export interface RunningConsumer {
  /** Stops taking messages, waits for in-flight handlers to finish and settle. */
  stop(): Promise<void>;
}

const inFlightBySubject = new Map<string, Promise<unknown>>();

/** Runs `task` after every earlier task with the same key has settled. */
async function oneAtATime<T>(key: string, task: () => Promise<T>): Promise<T> {
  const previous = inFlightBySubject.get(key) ?? Promise.resolve();
  const run = previous.then(task, task);
  const settled = run.then(
    () => undefined,
    () => undefined,
  );
  inFlightBySubject.set(key, settled);
  try {
    return await run;
  } finally {
    if (inFlightBySubject.get(key) === settled) inFlightBySubject.delete(key);
  }
}

export function consume<N extends EventName>(
  client: ServiceBusClient,
  options: ConsumerOptions<N>,
): RunningConsumer {
  const logger = (options.logger ?? silentLogger).child({
    topic: options.topic,
    subscription: options.subscription,
  });
  const accepted = new Set<string>(options.accepts.map((name) => `com.haymaker.${name}.v1`));
  const retryBase = options.retryBaseMs ?? 1000;
  const retryMax = options.retryMaxMs ?? 30_000;
  const maxDeliveryCount =
    options.maxDeliveryCount ??
    topology.topics
      .find((topic) => topic.name === options.topic)
      ?.subscriptions.find((s) => s.name === options.subscription)?.maxDeliveryCount;
  const stopping = new AbortController();
  const inFlight = new Set<Promise<void>>();
  const receiver: ServiceBusReceiver = client.createReceiver(options.topic, options.subscription, {
    receiveMode: "peekLock",
    maxAutoLockRenewalDurationInMs: options.maxLockRenewalMs ?? 5 * 60_000,
  });

  const deadLetter = async (message: ServiceBusReceivedMessage, reason: string, description: string) => {
    logger.warn({ messageId: message.messageId, reason, description }, "dead-lettering message");
    await receiver.deadLetterMessage(message, {
      deadLetterReason: reason,
      deadLetterErrorDescription: description,
    });
  };

  const backoff = (deliveryCount: number) =>
    new Promise<void>((resolve) => {
      if (stopping.signal.aborted) return resolve();
      const timer = setTimeout(resolve, Math.min(retryMax, retryBase * 2 ** deliveryCount));
      stopping.signal.addEventListener("abort", () => {
        clearTimeout(timer);
        resolve();
      });
    });

  const handle = async (message: ServiceBusReceivedMessage): Promise<void> => {
    let event: HayMakerEvent;
    try {
      event = decodeEvent(message);
      if (!accepted.has(event.type)) {
        throw new CloudEventDecodeError(
          "unknown-type",
          "type",
          `${options.topic}/${options.subscription} does not take these events`,
          {
            eventType: event.type,
          },
        );
      }
    } catch (error) {
      if (error instanceof CloudEventDecodeError)
        return deadLetter(message, DEAD_LETTER_REASONS.invalidEvent, describeCause(error));
      throw error;
    }
    const context: HandlerContext = {
      delivery: {
        deliveryCount: message.deliveryCount ?? 0,
        sequenceNumber:
          message.sequenceNumber === undefined ? undefined : BigInt(message.sequenceNumber.toString()),
        enqueuedTime: message.enqueuedTimeUtc,
      },
      signal: stopping.signal,
      logger: logger.child({ eventId: event.id, eventType: event.type, runId: event.correlationid }),
    };
    try {
      // Events about the same run or agent (the same subject) are handled one after another in this
      // process: a duplicate delivered alongside its original then finds what the original created.
      // The events the handler publishes continue this event's trace.
      await oneAtATime(event.subject ?? event.id, () =>
        withTraceContext(event, () => options.handler(event as EventOf<N>, context)),
      );
    } catch (error) {
      if (error instanceof UnprocessableEventError)
        return deadLetter(message, error.reason, describeCause(error));
      const deliveryCount = message.deliveryCount ?? 0;
      // AMQP's delivery-count counts the earlier attempts: this one is the last when one more reaches the max.
      if (maxDeliveryCount !== undefined && deliveryCount + 1 >= maxDeliveryCount) {
        return deadLetter(
          message,
          DEAD_LETTER_REASONS.handlerError,
          `failed ${deliveryCount + 1} times; last: ${describeCause(error)}`,
        );
      }
      context.logger.warn(
        { deliveryCount, cause: describeCause(error) },
        "handler failed; the event will be retried",
      );
      await backoff(deliveryCount);
      await receiver.abandonMessage(message);
      return;
    }
    await receiver.completeMessage(message);
  };

  const subscription = receiver.subscribe(
    {
      processMessage: (message) => {
        const work = handle(message).catch((error: unknown) => {
          // Settling failed (lock lost, connection gone): the broker redelivers the message on lock expiry.
          logger.error(
            { messageId: message.messageId, cause: describeCause(error) },
            "could not settle message",
          );
        });
        inFlight.add(work);
        return work.finally(() => inFlight.delete(work));
      },
      processError: async (args: ProcessErrorArgs) => {
        logger.error({ source: args.errorSource, cause: describeCause(args.error) }, "receive error");
      },
    },
    { autoCompleteMessages: false, maxConcurrentCalls: options.concurrency ?? 4 },
  );

  let stopped: Promise<void> | undefined;
  return {
    stop() {
      stopped ??= (async () => {
        // Stop taking new messages first; handlers already running finish and settle on the open link.
        await subscription.close();
        stopping.abort();
        await Promise.all(inFlight);
        await receiver.close();
      })();
      return stopped;
    },
  };
}
