import { CloudEventDecodeError } from "./decode-error.ts";

const utf8 = new TextDecoder("utf-8", { fatal: true });

/**
 * The JSON value in a message body. Bytes and strings are parsed; anything else is taken to be what the
 * Service Bus SDK already parsed (it JSON-parses data bodies unless told to skip that).
 */
export function readJsonBody(body: unknown): unknown {
  if (body === undefined || body === null)
    throw new CloudEventDecodeError("body", "body", "the message has no body");
  let text: string;
  if (body instanceof Uint8Array) {
    try {
      text = utf8.decode(body);
    } catch {
      throw new CloudEventDecodeError("body", "body", "expected UTF-8 text");
    }
  } else if (typeof body === "string") {
    text = body;
  } else {
    return body;
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new CloudEventDecodeError(
      "body",
      "body",
      `expected JSON, got ${text.length} characters that do not parse`,
    );
  }
}
