// Where the broker keeps accepted messages. The engine writes through this port as it changes state and
// waits on `whenDurable` before acknowledging a sender, so an acknowledged message survives a crash.
export type MessageState = "active" | "deferred" | "scheduled";

export interface StoredMessage {
  /** Lowercase entity path: `queue`, `topic/subscriptions/sub`, or either with `/$deadletterqueue`. */
  queue: string;
  sequenceNumber: number;
  state: MessageState;
  deliveryCount: number;
  enqueuedAt: number;
  scheduledAt: number | undefined;
  expiresAt: number | undefined;
  deadLetterSource: string | undefined;
  annotations: Buffer | undefined;
  bare: Buffer;
}

export type MessageChanges = Partial<Pick<StoredMessage, "state" | "deliveryCount" | "bare" | "enqueuedAt">>;

export interface MessageStore {
  insert(message: StoredMessage): void;
  update(queue: string, sequenceNumber: number, changes: MessageChanges): void;
  delete(queue: string, sequenceNumber: number): void;
  /** Records the last sequence number handed out by an entity, so numbers keep rising across restarts. */
  saveSequence(entity: string, last: number): void;
  /** Calls back once every write made so far is on disk. */
  whenDurable(callback: () => void): void;
  loadMessages(): StoredMessage[];
  loadSequences(): Map<string, number>;
  close(): void;
}

/** `--in-memory`: nothing outlives the process. */
export class MemoryStore implements MessageStore {
  insert(): void {}
  update(): void {}
  delete(): void {}
  saveSequence(): void {}
  whenDurable(callback: () => void): void {
    callback();
  }
  loadMessages(): StoredMessage[] {
    return [];
  }
  loadSequences(): Map<string, number> {
    return new Map();
  }
  close(): void {}
}
