// rhea ships CommonJS without types; this module is the one place that reaches into it, so the rest of
// the broker works with small typed views.
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);

// biome-ignore lint/suspicious/noExplicitAny: rhea has no type declarations.
type Untyped = any;

export const rhea: Untyped = require("rhea");
export const types: Untyped = require("rhea/lib/types.js");
export const rheaMessage: Untyped = require("rhea/lib/message.js");

/** A value as rhea's decoder leaves it: the AMQP type is kept so it can be written back unchanged. */
export interface Typed {
  type: { name: string; typecode: number };
  value: unknown;
  descriptor?: Typed;
}

// rhea hands a receiver the decoded message for format-0 transfers and throws the bytes away. The broker
// must store exactly what the sender sent (AMQP types included: a .NET client's long must come back a
// long), so the decoder is wrapped once to remember which bytes each decoded message came from.
const rawOf = new WeakMap<object, Buffer>();
const originalDecode: (buffer: Buffer) => object = rheaMessage.decode;
if (!rheaMessage.__haymakerKeepsRaw) {
  rheaMessage.decode = (buffer: Buffer) => {
    const decoded = originalDecode(buffer);
    rawOf.set(decoded, buffer);
    return decoded;
  };
  rheaMessage.__haymakerKeepsRaw = true;
}

/** The exact bytes a decoded incoming message was read from. */
export function rawBytesOf(decoded: object): Buffer | undefined {
  return rawOf.get(decoded);
}
