import { CLOUDEVENT_ATTRIBUTES, type HayMakerEvent, parseEvent } from "@haymaker/contracts";
import type { OutgoingMessage } from "./messages.ts";
import { propertyName } from "./property-names.ts";

/**
 * Turns an event into a Service Bus message in binary mode of the CloudEvents AMQP binding: data as the
 * UTF-8 JSON body, datacontenttype as the content type, every other attribute as a cloudEvents_<name>
 * application property (time as an AMQP timestamp, i.e. a Date, so it is normalized to UTC milliseconds).
 * The event is validated first, so nothing invalid reaches the bus; throws the contracts' EnvelopeError,
 * UnknownEventTypeError or EventDataError.
 */
export function encodeEvent(event: HayMakerEvent): OutgoingMessage {
  const valid = parseEvent(event);
  const applicationProperties: Record<string, string | number | Date> = {};
  for (const attribute of CLOUDEVENT_ATTRIBUTES) {
    if (attribute === "data" || attribute === "datacontenttype") continue;
    const value = valid[attribute];
    if (value === undefined) continue;
    applicationProperties[propertyName(attribute)] = attribute === "time" ? new Date(value) : value;
  }
  return {
    body: Buffer.from(JSON.stringify(valid.data), "utf8"),
    contentType: valid.datacontenttype,
    messageId: valid.id,
    correlationId: valid.correlationid,
    ...(valid.subject === undefined ? {} : { subject: valid.subject }),
    applicationProperties,
  };
}
