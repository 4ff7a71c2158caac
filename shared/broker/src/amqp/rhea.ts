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

// AMQP identifies a link by its name *and* direction, so a client may attach a sender and a receiver with
// the same name in one session (Qpid Proton names both `<container>-<address>`). rhea keys a session's links
// by name alone and refuses the second attach ("Attach already received"). Keying them by name and role
// keeps rhea's behaviour for distinct names and accepts such pairs.
const Session = require("rhea/lib/session.js");
const linkKey = (name: string, isSender: boolean) => `${isSender ? "s" : "r"}:${name}`;
if (!Session.prototype.__haymakerKeysByRole) {
  Session.prototype.__haymakerKeysByRole = true;
  Session.prototype.create_link = function (
    this: Untyped,
    name: string,
    LinkClass: Untyped,
    options: Untyped,
  ) {
    let handle = 0;
    while (this.local.handles[handle]) handle++;
    const link = new LinkClass(this, name, handle, options);
    this.links[linkKey(name, link.is_sender())] = link;
    this.local.handles[handle] = link;
    return link;
  };
  Session.prototype.on_attach = function (this: Untyped, frame: Untyped) {
    const name = frame.performative.name;
    // The peer's role true means it receives, so this side's link is the sender.
    const weSend = Boolean(frame.performative.role);
    let link = this.links[linkKey(name, weSend)];
    if (!link) link = weSend ? this.create_sender(name) : this.create_receiver(name);
    this.remote.handles[frame.performative.handle] = link;
    link.on_attach(frame);
    link.remote.attach = frame.performative;
  };
  Session.prototype.remove_link = function (this: Untyped, link: Untyped) {
    delete this.remote.handles[link.remote.handle];
    delete this.local.handles[link.local.handle];
    delete this.links[linkKey(link.name, link.is_sender())];
  };
}

// A drain is answered by a flow that says drain=true: it tells the client its credit is used up and nothing more
// is coming, and rhea's receiver (the JavaScript SDK's) reports "drained" on nothing else. rhea's sender sets the
// flag only when credit is left over to give back, so a drain whose credit went exactly on messages was never
// answered: the SDK waited out its drain timeout, then closed the link.
const { Sender } = require("rhea/lib/link.js");
if (!Sender.prototype.__haymakerAnswersEveryDrain) {
  Sender.prototype.__haymakerAnswersEveryDrain = true;
  Sender.prototype._get_drain = function (this: Untyped) {
    if (!this._draining || !this._drained) return false;
    // Credit no message used is handed back by counting it as delivered, as AMQP's drain prescribes.
    this.delivery_count += this.credit;
    this.credit = 0;
    return true;
  };
}
