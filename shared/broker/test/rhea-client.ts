// A bare AMQP 1.0 client (rhea) for the ways other official Service Bus SDKs talk to the broker: their SASL
// mechanisms, and the addresses they use for reply links. The JavaScript SDK covers its own way elsewhere.
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const rhea = require("rhea");

export interface ClientOptions {
  transport?: "tcp" | "tls";
  ca?: string;
  servername?: string;
  /** A SASL mechanism by name, answered with an empty initial response (as .NET's MSSBCBS is). */
  mechanism?: string;
  username?: string;
  password?: string;
  /** Skip SASL entirely: open with the AMQP protocol header. */
  noSasl?: boolean;
}

// biome-ignore lint/suspicious/noExplicitAny: rhea has no types
type Any = any;

export interface RheaTestClient {
  connection: Any;
  send(address: string, message: Any): Promise<void>;
  receiveOne(address: string): Promise<Any>;
  /** Sends a request to a request/response node and waits for the reply on a link with the given addresses. */
  request(
    node: string,
    message: Any,
    reply: { linkName: string; targetAddress?: string; replyTo: string },
  ): Promise<Any>;
  /** Attaches a receiver (granting no credit) and reports when the broker detaches it. */
  detachedReceiver(address: string): {
    detached: Promise<{ condition: string; description: string }>;
    isOpen(): boolean;
  };
  /** Puts a token on `$cbs` for `audience`, as the SDKs do before they attach a link; resolves with the reply. */
  putToken(token: string, audience: string): Promise<{ status: number; description: string }>;
  close(): void;
}

export function rheaClient(port: number, options: ClientOptions = {}): Promise<RheaTestClient> {
  const container = rhea.create_container({ id: "test-client" });
  const connectOptions: Any = {
    host: "127.0.0.1",
    port,
    reconnect: false,
    transport: options.transport ?? "tcp",
  };
  if (options.ca) connectOptions.ca = options.ca;
  if (options.servername) connectOptions.servername = options.servername;
  if (options.username) {
    connectOptions.username = options.username;
    connectOptions.password = options.password;
  }
  if (options.mechanism) {
    connectOptions.sasl_mechanisms = {
      [options.mechanism]: () => ({
        start: (callback: (error: unknown, response: Buffer) => void) => callback(undefined, Buffer.alloc(0)),
      }),
    };
  }
  if (options.noSasl) connectOptions.sasl = { enabled: false };
  const connection = container.connect(connectOptions);
  let tokens = 0;
  return new Promise((resolve, reject) => {
    connection.once("connection_open", () =>
      resolve({
        connection,
        send(address, message) {
          return new Promise((done, fail) => {
            const sender = connection.open_sender(address);
            sender.once("sendable", () => sender.send(message));
            sender.once("accepted", () => {
              sender.close();
              done();
            });
            sender.once("rejected", (context: Any) =>
              fail(new Error(context.delivery.remote_state?.error?.description)),
            );
            sender.once("sender_error", (context: Any) => fail(new Error(context.sender.error?.description)));
          });
        },
        receiveOne(address) {
          return new Promise((done, fail) => {
            const receiver = connection.open_receiver({
              source: address,
              credit_window: 0,
              autoaccept: true,
            });
            receiver.add_credit(1);
            receiver.once("message", (context: Any) => {
              receiver.close();
              done(context.message);
            });
            receiver.once("receiver_error", (context: Any) =>
              fail(new Error(context.receiver.error?.description)),
            );
          });
        },
        request(node, message, reply) {
          return new Promise((done, fail) => {
            const receiver = connection.open_receiver({
              name: reply.linkName,
              source: { address: node },
              target: reply.targetAddress ? { address: reply.targetAddress } : undefined,
            });
            receiver.once("message", (context: Any) => done(context.message));
            receiver.once("receiver_error", (context: Any) =>
              fail(new Error(context.receiver.error?.description)),
            );
            receiver.once("receiver_open", () => {
              const sender = connection.open_sender({ target: { address: node } });
              sender.once("sendable", () => sender.send({ ...message, reply_to: reply.replyTo }));
            });
          });
        },
        detachedReceiver(address) {
          const receiver = connection.open_receiver({ source: address, credit_window: 0 });
          return {
            detached: new Promise((done) =>
              receiver.once("receiver_error", (context: Any) =>
                done({
                  condition: context.receiver.error?.condition,
                  description: context.receiver.error?.description,
                }),
              ),
            ),
            isOpen: () => receiver.is_open(),
          };
        },
        async putToken(token, audience) {
          tokens++;
          const reply = await (this as RheaTestClient).request(
            "$cbs",
            {
              message_id: `put-token-${tokens}`,
              application_properties: {
                operation: "put-token",
                type: "servicebus.windows.net:sastoken",
                name: audience,
              },
              body: token,
            },
            { linkName: `cbs-reply-${tokens}`, replyTo: `cbs-reply-${tokens}` },
          );
          return {
            status: reply.application_properties["status-code"],
            description: reply.application_properties["status-description"],
          };
        },
        close() {
          connection.close();
        },
      }),
    );
    connection.once("connection_error", (context: Any) =>
      reject(new Error(context.connection.error?.description ?? "connection error")),
    );
    connection.once("disconnected", (context: Any) => reject(context.error ?? new Error("disconnected")));
  });
}
