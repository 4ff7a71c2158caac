// A dead letter's id: its topic, subscription and sequence number joined by dots (none of them holds a
// dot), e.g. agent-selected.provision.42. Sequence numbers are unique per entity and never reused, so the
// id names one message for as long as it is in the dead-letter queue.
export interface DeadLetterAddress {
  topic: string;
  subscription: string;
  /** A decimal string: sequence numbers are 64-bit. */
  sequenceNumber: string;
}

const ID = /^([a-z0-9-]{1,64})\.([a-z0-9-]{1,64})\.(\d{1,20})$/;

export function deadLetterId(address: DeadLetterAddress): string {
  return `${address.topic}.${address.subscription}.${address.sequenceNumber}`;
}

/** The address an id names, or undefined when it is not a dead-letter id. */
export function parseDeadLetterId(id: string): DeadLetterAddress | undefined {
  const [, topic, subscription, sequenceNumber] = ID.exec(id) ?? [];
  if (topic === undefined || subscription === undefined || sequenceNumber === undefined) return undefined;
  return { topic, subscription, sequenceNumber };
}
