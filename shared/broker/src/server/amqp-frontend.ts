// Speaks the Service Bus dialect of AMQP 1.0 over rhea: accepts connections (any SASL mechanism an
// official SDK offers), checks CBS tokens and every link's claim (LinkAuthority), routes management
// requests, and turns links into engine operations: client senders put messages into entities, client
// receivers take them out.
import { createRequire } from "node:module";
import type { Duplex } from "node:stream";
import { MalformedMessageError, parseMessage } from "../amqp/encoded-message.ts";
import { rawBytesOf, rhea, rheaMessage, types } from "../amqp/rhea.ts";
import {
  type AccessControl,
  rightForManagementOperation,
  UNAUTHORIZED,
  unauthorizedDescription,
} from "../auth/access-control.ts";
import type { BrokerEngine } from "../engine/broker-engine.ts";
import type { Consumer, Lock, MessageQueue, Outcome } from "../engine/message-queue.ts";
import { hostOf, LinkAuthority } from "./link-authority.ts";
import { LinkCredit } from "./link-credit.ts";
import { handleManagement } from "./management.ts";
import { ReplyLinks } from "./reply-links.ts";
import type { RheaConnection, RheaContext, RheaDelivery, RheaLink, RheaMessage } from "./rhea-types.ts";

const require = createRequire(import.meta.url);
const Connection = require("rhea/lib/connection.js");

/** Standard-tier Service Bus limit; the SDK sizes batches by what the attach announces. */
export const MAX_MESSAGE_SIZE = 262_144;
/** `sendMessages([...])` and batches arrive as one transfer in this format, each message a data section. */
const BATCH_FORMAT = 0x80013700;
const CBS_NODE = "$cbs";
/** The source filter a session receiver attaches with. */
const SESSION_FILTER = "com.microsoft:session-filter";
const MANAGEMENT_SUFFIX = "/$management";

export interface FrontendLogger {
  info(message: string): void;
  warn(message: string): void;
}

export class AmqpFrontend {
  readonly #engine: BrokerEngine;
  readonly #log: FrontendLogger;
  readonly #authority: LinkAuthority;
  readonly #container;
  readonly #replyLinks = new WeakMap<RheaConnection, ReplyLinks>();
  readonly #locksByDelivery = new WeakMap<RheaDelivery, { queue: MessageQueue; lock: Lock }>();
  readonly #connections = new Set<RheaConnection>();
  /** What to undo when a connection goes: rhea raises no link events when a client just drops. */
  readonly #cleanups = new WeakMap<RheaConnection, Array<() => void>>();

  constructor(engine: BrokerEngine, access: AccessControl, log: FrontendLogger) {
    this.#engine = engine;
    this.#log = log;
    this.#authority = new LinkAuthority(access);
    this.#container = rhea.create_container({
      id: "haymaker-broker",
      // As Azure does: a client silent for four minutes is gone (the SDKs send heartbeats well within it).
      idle_time_out: 240_000,
      sender_options: { autosettle: false, treat_modified_as_released: false },
      receiver_options: { autoaccept: false, credit_window: 1000 },
    });
    this.#container.sasl_server_mechanisms = this.#authority.saslMechanisms();
    this.#container.on("connection_open", (context: RheaContext) =>
      this.#connections.add(context.connection),
    );
    this.#container.on("connection_close", (context: RheaContext) => this.#forget(context.connection));
    this.#container.on("disconnected", (context: RheaContext) => this.#forget(context.connection));
    this.#container.on("sender_open", (context: RheaContext) =>
      this.#onClientReceiver(context.sender as RheaLink),
    );
    this.#container.on("receiver_open", (context: RheaContext) =>
      this.#onClientSender(context.receiver as RheaLink),
    );
    // A client's failure is its own: log it, keep serving everyone else.
    this.#container.on("error", (error: Error) => this.#log.warn(`amqp: ${error.message}`));
    this.#container.on("protocol_error", (context: RheaContext & { error?: Error }) =>
      this.#log.warn(`amqp protocol error: ${context.error?.message ?? "unknown"}`),
    );
  }

  /** Serves one client over a byte stream: a TCP or TLS socket. */
  acceptSocket(socket: Duplex): void {
    new Connection({}, this.#container).accept(socket);
  }

  /** Serves one client over a WebSocket (`ws` server side socket). */
  acceptWebSocket(socket: unknown): void {
    this.#container.websocket_accept(socket);
  }

  close(): void {
    for (const connection of this.#connections) {
      connection.close({ condition: "amqp:connection:forced", description: "The broker is shutting down." });
    }
  }

  #onConnectionGone(connection: RheaConnection, cleanup: () => void): void {
    const cleanups = this.#cleanups.get(connection) ?? [];
    cleanups.push(cleanup);
    this.#cleanups.set(connection, cleanups);
  }

  #forget(connection: RheaConnection): void {
    this.#connections.delete(connection);
    for (const cleanup of this.#cleanups.get(connection) ?? []) cleanup();
    this.#cleanups.delete(connection);
  }

  #replies(connection: RheaConnection): ReplyLinks {
    let links = this.#replyLinks.get(connection);
    if (!links) {
      links = new ReplyLinks();
      this.#replyLinks.set(connection, links);
    }
    return links;
  }

  // A client receiver attached: we send on it.
  #onClientReceiver(link: RheaLink): void {
    const remote = link.remote.attach ?? {};
    const address = entityAddress(remote.source?.address ?? "");
    link.set_source({ ...remote.source, address: remote.source?.address ?? "" });
    if (remote.target) link.set_target(remote.target);
    const isManagement = address.toLowerCase().endsWith(MANAGEMENT_SUFFIX);
    // The SDKs put their token for the management node itself (`<entity>/$management`), or for the entity.
    if (isManagement && !this.#admit(link, address, "any")) return;
    if (address === CBS_NODE || isManagement) {
      const replies = this.#replies(link.connection);
      replies.add(link, address);
      link.on("sender_close", () => replies.remove(link));
      return;
    }
    if (remote.source?.filter && SESSION_FILTER in (remote.source.filter as object)) {
      this.#reject(
        link,
        "amqp:not-implemented",
        "Sessions are not supported by HayMaker's embedded broker; receive without a session.",
      );
      return;
    }
    if (!this.#admit(link, address, "Listen")) return;
    const queue = this.#engine.queue(address);
    if (!queue) {
      this.#refuse(
        link,
        address,
        this.#engine.isSendTarget(address)
          ? "it is a topic: receive from one of its subscriptions"
          : undefined,
      );
      return;
    }
    const receiveAndDelete = remote.snd_settle_mode === 1;
    link.local.attach.snd_settle_mode = remote.snd_settle_mode ?? 0;
    link.local.attach.rcv_settle_mode = remote.rcv_settle_mode ?? 0;
    link.local.attach.max_message_size = MAX_MESSAGE_SIZE;
    const credit = new LinkCredit(link, () => queue.dispatch());
    const consumer: Consumer = {
      receiveAndDelete,
      credit: () => credit.available(),
      deliver: (bytes, lock) => {
        const delivery = link.send(bytes, lock?.token.tag ?? Buffer.alloc(0), 0);
        credit.handedOver(delivery);
        if (lock) this.#locksByDelivery.set(delivery, { queue, lock });
      },
    };
    queue.addConsumer(consumer);
    const settle = (context: RheaContext) => {
      this.#onDisposition(context.delivery as RheaDelivery);
      // A settlement frees room in the session's window: more may go out now.
      queue.scheduleDispatch();
    };
    for (const event of ["accepted", "rejected", "modified", "released"]) link.on(event, settle);
    const detach = () => queue.removeConsumer(consumer);
    link.on("sender_close", detach);
    link.on("sender_error", detach);
    this.#onConnectionGone(link.connection, detach);
  }

  /** Checks the link's claim on `entityPath` before anything else, as Service Bus does. */
  #admit(link: RheaLink, entityPath: string, right: "Send" | "Listen" | "any"): boolean {
    return this.#authority.admit(
      link,
      entityPath,
      right,
      (condition, description) => this.#reject(link, condition, description),
      (cleanup) => this.#onConnectionGone(link.connection, cleanup),
    );
  }

  #refuse(link: RheaLink, address: string, why?: string): void {
    this.#reject(
      link,
      "amqp:not-found",
      `The messaging entity '${address}' could not be found${why ? `: ${why}` : ""}.`,
    );
  }

  /** Refuses an attach the AMQP way: an attach without a terminus, then a detach carrying the error. */
  #reject(link: RheaLink, condition: string, description: string): void {
    link.local.attach.source = null;
    link.local.attach.target = null;
    link.close({ condition, description });
  }

  #onDisposition(delivery: RheaDelivery): void {
    const held = this.#locksByDelivery.get(delivery);
    if (!held) return;
    this.#locksByDelivery.delete(delivery);
    const settled = held.queue.settle(held.lock.token.id, outcomeOf(delivery.remote_state));
    // The SDK waits for the broker's settled disposition; an error there becomes MessageLockLost.
    if (delivery.remote_settled) {
      // The client settled first (Qpid Proton does): nothing to answer, but the delivery is final and must
      // leave rhea's session window, which it only does once settled on both sides.
      delivery.settled = true;
      return;
    }
    this.#settle(delivery, settled);
  }

  /**
   * Settles a delivery the client left unsettled. Service Bus clients never settle a second time (they
   * wait for this), so the delivery is then final on both sides and must leave rhea's session window.
   */
  #settle(delivery: RheaDelivery, success: boolean): void {
    delivery.update(
      true,
      success
        ? rheaMessage.accepted().described()
        : rheaMessage
            .rejected({
              error: {
                condition: "com.microsoft:message-lock-lost",
                description:
                  "The lock supplied is invalid. Either the lock expired, or the message has already been removed from the queue.",
              },
            })
            .described(),
    );
    delivery.remote_settled = true;
  }

  // A client sender attached: we receive on it.
  #onClientSender(link: RheaLink): void {
    const remote = link.remote.attach ?? {};
    const address = entityAddress(remote.target?.address ?? "");
    link.set_target({ ...remote.target, address: remote.target?.address ?? "" });
    if (remote.source) link.set_source(remote.source);
    link.local.attach.max_message_size = MAX_MESSAGE_SIZE;
    // The broker settles what it accepts at once ("first"), as Service Bus does whatever the client asked:
    // Python's uamqp asks for "second" but completes a send only on a settled disposition.
    link.local.attach.rcv_settle_mode = 0;
    if (address === CBS_NODE) {
      link.on("message", (context) => this.#onCbsRequest(context));
      return;
    }
    if (address.toLowerCase().endsWith(MANAGEMENT_SUFFIX)) {
      const entity = address.slice(0, -MANAGEMENT_SUFFIX.length);
      if (!this.#admit(link, address, "any")) return;
      if (!this.#engine.queue(entity) && !this.#engine.isSendTarget(entity)) {
        this.#refuse(link, entity);
        return;
      }
      link.on("message", (context) => this.#onManagementRequest(context, entity, address));
      return;
    }
    if (!this.#admit(link, address, "Send")) return;
    if (!this.#engine.isSendTarget(address)) {
      this.#refuse(link, address, this.#engine.queue(address) ? "send to its topic instead" : undefined);
      return;
    }
    link.on("message", (context) => this.#onMessage(context, address));
  }

  #onMessage(context: RheaContext, address: string): void {
    const delivery = context.delivery as RheaDelivery;
    let payloads: Buffer[];
    try {
      payloads = transferPayloads(context);
    } catch (error) {
      delivery.reject({ condition: "amqp:decode-error", description: (error as Error).message });
      return;
    }
    const acknowledge = () => {
      if (!delivery.remote_settled) delivery.accept();
    };
    try {
      const messages = payloads.map((payload) => parseMessage(payload));
      for (const message of messages) this.#engine.send(address, message);
      this.#engine.whenDurable(acknowledge);
    } catch (error) {
      if (error instanceof MalformedMessageError) {
        delivery.reject({ condition: "amqp:decode-error", description: error.message });
        return;
      }
      this.#log.warn(`amqp: a message sent to ${address} was refused: ${(error as Error).message}`);
      delivery.reject({
        condition: "amqp:internal-error",
        description: "The broker could not store the message.",
      });
    }
  }

  #onCbsRequest(context: RheaContext): void {
    const request = context.message as RheaMessage;
    (context.delivery as RheaDelivery).accept();
    const properties = request.application_properties ?? {};
    const answer =
      properties.operation === "put-token"
        ? this.#authority.putToken(context.connection, request.body, properties.name)
        : {
            statusCode: 400,
            description: `The $cbs node has no operation '${String(properties.operation)}'; only put-token.`,
          };
    // Status codes are AMQP int, as Service Bus sends them (Go asserts int32).
    this.#reply(
      context,
      CBS_NODE,
      request,
      { "status-code": types.wrap_int(answer.statusCode), "status-description": answer.description },
      undefined,
    );
  }

  #onManagementRequest(context: RheaContext, entity: string, node: string): void {
    const request = context.message as RheaMessage;
    (context.delivery as RheaDelivery).accept();
    const operation = request.application_properties?.operation;
    const right = rightForManagementOperation(operation);
    let response: ReturnType<typeof handleManagement>;
    try {
      response = this.#authority.permits(context.connection, node, right)
        ? handleManagement(this.#engine, entity, operation, request.body)
        : {
            statusCode: 401,
            errorCondition: UNAUTHORIZED,
            description: unauthorizedDescription(right, hostOf(context.connection), entity),
          };
    } catch (error) {
      this.#log.warn(
        `amqp: management ${String(operation)} on ${entity} failed: ${(error as Error).message}`,
      );
      response = {
        statusCode: 500,
        errorCondition: "amqp:internal-error",
        description: "The operation failed inside the broker.",
      };
    }
    // Status codes are AMQP int: .NET casts them to int and Go asserts int32; an inferred uint would break both.
    const properties: Record<string, unknown> = {
      statusCode: types.wrap_int(response.statusCode),
      statusDescription: response.description,
      "status-code": types.wrap_int(response.statusCode),
      "status-description": response.description,
    };
    if (response.errorCondition) properties.errorCondition = response.errorCondition;
    // A scheduled message is acknowledged like a sent one: only once it is stored.
    this.#engine.whenDurable(() => this.#reply(context, node, request, properties, response.body));
  }

  #reply(
    context: RheaContext,
    node: string,
    request: RheaMessage,
    properties: Record<string, unknown>,
    body: unknown,
  ): void {
    const sent = this.#replies(context.connection).send(request.reply_to, node, {
      correlation_id: request.message_id,
      to: request.reply_to,
      application_properties: properties,
      body: body === undefined ? null : body,
    });
    if (!sent)
      this.#log.warn(
        `amqp: no reply link for ${node} (reply_to ${String(request.reply_to)}); the request is dropped`,
      );
  }
}

/** The encoded messages of one transfer: one, or several for a batch. */
function transferPayloads(context: RheaContext): Buffer[] {
  if ((context.format ?? 0) === BATCH_FORMAT && Buffer.isBuffer(context.message)) {
    const batch = rheaMessage.decode(context.message);
    const body = batch.body;
    const content = body?.multiple ? body.content : [body?.content];
    return (content as unknown[]).map((item) => {
      if (!Buffer.isBuffer(item))
        throw new MalformedMessageError("a batch must carry each message as a data section");
      return item;
    });
  }
  const raw = rawBytesOf(context.message as object);
  if (!raw) throw new MalformedMessageError("the transfer carried no message");
  return [raw];
}

/** Maps an AMQP delivery state from the client onto a Service Bus settlement. */
function outcomeOf(state: RheaDelivery["remote_state"]): Outcome {
  const kind = state?.constructor?.composite_type;
  if (kind === "accepted") return { kind: "complete" };
  if (kind === "rejected") {
    const info = { ...(state?.error?.info ?? {}) };
    const reason = info.DeadLetterReason;
    const description = info.DeadLetterErrorDescription;
    delete info.DeadLetterReason;
    delete info.DeadLetterErrorDescription;
    return {
      kind: "deadLetter",
      reason: reason === undefined ? undefined : String(reason),
      description: description === undefined ? undefined : String(description),
      properties: info,
    };
  }
  if (kind === "modified") {
    const properties = (state?.message_annotations ?? undefined) as Record<string, unknown> | undefined;
    return state?.undeliverable_here ? { kind: "defer", properties } : { kind: "abandon", properties };
  }
  return { kind: "abandon" };
}

/**
 * The entity path a link address names. Most clients use the path itself (`queue`, `topic/Subscriptions/s`);
 * Python's uamqp uses the absolute URI (`amqps://host/queue`), which Service Bus accepts too.
 */
function entityAddress(address: string): string {
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(address)) return address;
  try {
    return decodeURIComponent(new URL(address).pathname).replace(/^\/+/, "");
  } catch {
    return address;
  }
}
