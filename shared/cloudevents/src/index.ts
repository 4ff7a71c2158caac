// @haymaker/cloudevents: HayMaker events ⇄ Service Bus messages (CloudEvents AMQP binding, binary mode
// written; binary and structured mode read), and a constructor for new, valid events.

export { decodeEnvelope, decodeEvent } from "./decode.ts";
export { CloudEventDecodeError, type DecodeErrorKind } from "./decode-error.ts";
export { encodeEvent } from "./encode.ts";
export type { IncomingMessage, OutgoingMessage } from "./messages.ts";
export { deterministicEventId, type NewEventOptions, newEvent } from "./new-event.ts";
export { propertyName } from "./property-names.ts";
export {
  childTraceparent,
  currentTraceContext,
  isTraceparent,
  newTraceparent,
  type TraceContext,
  traceIdOf,
  withTraceContext,
} from "./trace-context.ts";
