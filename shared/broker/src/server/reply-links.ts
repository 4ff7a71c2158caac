// Request/response nodes ($cbs and <entity>/$management) answer on a link the client attached to receive
// replies. Clients name that link in `reply_to` in their own ways: the JavaScript SDK uses the link name
// (`cbs-<uuid>`), .NET, Java and Go use the link's target address, Python a fixed address per node. Replies
// are routed by any of these, and otherwise to the client's reply link on the same node.
import type { RheaLink } from "./rhea-types.ts";

export class ReplyLinks {
  readonly #byAddress = new Map<string, RheaLink>();
  readonly #byNode = new Map<string, RheaLink>();

  add(link: RheaLink, node: string): void {
    this.#byAddress.set(link.name, link);
    const target = link.remote?.attach?.target?.address;
    if (typeof target === "string") this.#byAddress.set(target, link);
    this.#byNode.set(node.toLowerCase(), link);
  }

  remove(link: RheaLink): void {
    for (const map of [this.#byAddress, this.#byNode]) {
      for (const [key, value] of map) if (value === link) map.delete(key);
    }
  }

  find(replyTo: unknown, node: string): RheaLink | undefined {
    const direct = typeof replyTo === "string" ? this.#byAddress.get(replyTo) : undefined;
    return direct ?? this.#byNode.get(node.toLowerCase());
  }
}
