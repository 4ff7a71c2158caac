// Request/response nodes ($cbs and <entity>/$management) answer on a link the client attached to receive
// replies. Clients name that link in `reply_to` in their own ways: the JavaScript SDK uses the link name
// (`cbs-<uuid>`), .NET, Java and Go use the link's target address, Python a fixed address per node (or no
// reply_to at all). Replies are routed by any of these, and otherwise to the client's reply link on the same
// node. A reply goes out within the credit the client granted: Python's uamqp sends its first put-token
// before it grants its reply link any, so replies wait on the link until credit comes (handed to rhea
// without credit, a reply would sit in the session and hold back everything sent after it).
import { LinkCredit } from "./link-credit.ts";
import type { RheaLink } from "./rhea-types.ts";

export interface Reply {
  correlation_id: unknown;
  to: unknown;
  application_properties: Record<string, unknown>;
  body: unknown;
}

interface ReplyLink {
  link: RheaLink;
  credit: LinkCredit;
  waiting: Reply[];
}

export class ReplyLinks {
  readonly #byAddress = new Map<string, ReplyLink>();
  readonly #byNode = new Map<string, ReplyLink>();

  add(link: RheaLink, node: string): void {
    const reply: ReplyLink = {
      link,
      waiting: [],
      credit: new LinkCredit(link, () => this.#flush(reply)),
    };
    this.#byAddress.set(link.name, reply);
    const target = link.remote?.attach?.target?.address;
    if (typeof target === "string") this.#byAddress.set(target, reply);
    this.#byNode.set(node.toLowerCase(), reply);
  }

  remove(link: RheaLink): void {
    for (const map of [this.#byAddress, this.#byNode]) {
      for (const [key, value] of map) if (value.link === link) map.delete(key);
    }
  }

  /** Sends `reply` on the link `replyTo` names, or on the node's reply link; false when there is none. */
  send(replyTo: unknown, node: string, reply: Reply): boolean {
    const direct = typeof replyTo === "string" ? this.#byAddress.get(replyTo) : undefined;
    const target = direct ?? this.#byNode.get(node.toLowerCase());
    if (!target) return false;
    target.waiting.push(reply);
    // After the turn in which rhea writes the request's disposition: rhea puts a session's transfers ahead of
    // its dispositions, and uamqp drops a reply that arrives before the accept of its request.
    setImmediate(() => this.#flush(target));
    return true;
  }

  #flush(target: ReplyLink): void {
    while (target.waiting.length > 0 && target.credit.available() > 0) {
      const delivery = target.link.send(target.waiting.shift());
      target.credit.handedOver(delivery);
      // Replies go pre-settled: nothing waits for their outcome, and an unsettled one would sit in the
      // session's window for good once the client settles it.
      delivery.settled = true;
      delivery.remote_settled = true;
    }
  }
}
