// The credit a client granted on a link, as the broker must spend it: within the credit, promptly, and with
// every drain answered. rhea takes `link.send()` into the session's buffer at once but puts it on the wire, and
// only then charges it to `link.credit`, on a later tick. A sender that looks at `link.credit` while it sends
// in a loop thus hands rhea every waiting message, and rhea lets them out as credit comes. Whatever is still in
// that buffer when the client detaches (a receiver closed after one receiveMessages batch, or the link the SDK
// closes when a drain goes unanswered) is gone, having been deleted (receiveAndDelete) or locked (peekLock) when
// it was handed over. Counting what was handed over but not yet sent keeps the broker within the credit, as
// Service Bus is.
import type { RheaDelivery, RheaLink } from "./rhea-types.ts";

export class LinkCredit {
  readonly #link: RheaLink;
  /** Ids of deliveries handed to rhea on this link and not yet on the wire, oldest first. */
  #unsent: number[] = [];
  #head = 0;
  #spending = false;
  #drainAsked = false;

  /** `spend` hands over what is waiting, as long as `available()` allows. */
  constructor(link: RheaLink, spend: () => void) {
    this.#link = link;
    // Credit is spent on the tick after the flow that granted it. By then rhea has written the frames it owed
    // this link (its attach, when a client attaches and grants credit at once: no transfer may precede it), and
    // the event loop has not yet turned, which would put the client behind the store's commit (an fsync when
    // durable). A drain asks for what is there now, within the credit, and then for the rest of the credit
    // back: rhea writes the messages ahead of the flow that answers.
    const spendSoon = () => {
      if (this.#spending) return;
      this.#spending = true;
      process.nextTick(() => {
        this.#spending = false;
        spend();
        if (!this.#drainAsked) return;
        this.#drainAsked = false;
        link.set_drained(true);
        link.connection._register();
      });
    };
    link.on("sendable", spendSoon);
    link.on("sender_draining", () => {
      this.#drainAsked = true;
      spendSoon();
    });
  }

  /** How many more deliveries the client has room for. */
  available(): number {
    const link = this.#link;
    // sendable() also checks the session's buffer of unsettled deliveries, which rhea cannot grow.
    if (!link.is_open() || !link.sendable()) return 0;
    // The session sends in id order, so everything below its next pending id has gone out.
    const nextPending = link.session.outgoing.next_pending_delivery;
    const unsent = this.#unsent;
    while (this.#head < unsent.length && (unsent[this.#head] as number) < nextPending) this.#head++;
    if (this.#head === unsent.length) {
      this.#unsent = [];
      this.#head = 0;
    }
    return link.credit - (this.#unsent.length - this.#head);
  }

  handedOver(delivery: RheaDelivery): void {
    this.#unsent.push(delivery.id);
  }
}
