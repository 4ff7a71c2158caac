// The few parts of rhea's server-side objects the broker touches, typed here because rhea has no types.

export interface Terminus {
  address?: string;
  [field: string]: unknown;
}

export interface RheaDelivery {
  /** Outgoing deliveries: numbered in the order the session puts them on the wire. */
  id: number;
  tag: Buffer;
  remote_settled: boolean;
  settled: boolean;
  remote_state?: {
    constructor?: { composite_type?: string };
    error?: { condition?: string; info?: Record<string, unknown> };
  } & Record<string, unknown>;
  format?: number;
  update(settled: boolean | undefined, state?: unknown): void;
  accept(): void;
  reject(error: { condition: string; description: string }): void;
}

export interface RheaLink {
  name: string;
  /** A sender's credit left after what is already on the wire (not after what waits in the session). */
  credit: number;
  connection: RheaConnection;
  session: {
    /** The id of the first delivery the session holds but has not put on the wire yet. */
    outgoing: { next_pending_delivery: number };
  };
  remote: {
    attach?: { source?: Terminus; target?: Terminus; snd_settle_mode?: number; rcv_settle_mode?: number };
  };
  local: { attach: Record<string, unknown> };
  set_source(fields: Terminus): void;
  set_target(fields: Terminus): void;
  send(payload: unknown, tag?: Buffer, format?: number): RheaDelivery;
  set_drained(drained: boolean): void;
  add_credit(credit: number): void;
  is_open(): boolean;
  /** Whether the broker sends on this link (the client receives). */
  is_sender(): boolean;
  sendable(): boolean;
  close(error?: { condition: string; description: string }): void;
  on(event: string, listener: (context: RheaContext) => void): void;
}

export interface RheaConnection {
  container_id?: string;
  /** The client's open frame; its hostname is the namespace the client thinks it reached. */
  remote?: { open?: { hostname?: string } };
  /** rhea's SASL layer on a server connection: the mechanism, directly or on the transport it `selected`. */
  sasl_transport?: { mechanism?: unknown; selected?: { mechanism?: unknown } };
  /** Has rhea write, on its next tick, whatever frames are owed (rhea does not for every state change). */
  _register(): void;
  close(error?: { condition: string; description: string }): void;
}

export interface RheaMessage {
  message_id?: unknown;
  reply_to?: string;
  application_properties?: Record<string, unknown>;
  body?: unknown;
}

export interface RheaContext {
  connection: RheaConnection;
  sender?: RheaLink;
  receiver?: RheaLink;
  delivery?: RheaDelivery;
  message?: RheaMessage | Buffer;
  format?: number;
}
