// @haymaker/bus: what every HayMaker service uses to publish and consume events on Service Bus (Azure, or the
// embedded broker locally, through the same official SDK).
export { type BusConnection, busConnectionFromEnv, createBusClient } from "./connection.ts";
export {
  type ConsumerOptions,
  consume,
  type DeliveryInfo,
  type EventHandler,
  type HandlerContext,
  type RunningConsumer,
} from "./consumer.ts";
export { DEAD_LETTER_REASONS, describeCause, UnprocessableEventError } from "./dead-letter.ts";
export { EventPublisher } from "./publisher.ts";
export { type RunMode, runModeFrom, UNTIL_IDLE_FLAG, UNTIL_IDLE_VARIABLE } from "./run-mode.ts";
export {
  type ConsumedBy,
  type PhaseConfig,
  type PhaseHandlers,
  type PhaseOptions,
  type RunningPhase,
  runPhase,
  startPhase,
} from "./run-phase.ts";
