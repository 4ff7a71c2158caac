// Applies the broker's access control to AMQP: SASL PLAIN logins, `$cbs` put-token, and every link's attach.
// A link needs a claim for its entity when it attaches (Service Bus checks this before it looks the entity
// up, so an unauthorized caller cannot probe which entities exist), and loses it when the token it came in
// on expires without a renewal: the link is then detached with amqp:unauthorized-access, as Azure does. The
// SDKs renew their tokens well before expiry, so their links live on.
import {
  type AccessControl,
  type Grant,
  UNAUTHORIZED,
  unauthorizedDescription,
} from "../auth/access-control.ts";
import { ConnectionGrants } from "../auth/connection-grants.ts";
import type { AccessRight } from "../auth/rules.ts";
import { pathSegments } from "../auth/shared-access-signature.ts";
import type { RheaConnection, RheaLink } from "./rhea-types.ts";

/** setTimeout's longest delay; a later expiry is checked again then. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** The SASL mechanism objects rhea asks for; PLAIN checks the rule's name and key, the others defer to CBS. */
interface Mechanism {
  outcome: boolean | undefined;
  username: string | undefined;
  grant?: Grant;
  start(response?: Buffer): void;
}

export class LinkAuthority {
  readonly #access: AccessControl;
  readonly #grants = new WeakMap<RheaConnection, ConnectionGrants>();

  constructor(access: AccessControl) {
    this.#access = access;
  }

  /**
   * Every mechanism an official SDK offers: PLAIN (Qpid-based clients) proves a key at once; ANONYMOUS,
   * EXTERNAL and MSSBCBS (.NET's "authenticate by CBS") let the client in to put tokens on `$cbs`.
   */
  saslMechanisms(): Record<string, () => Mechanism> {
    const access = this.#access;
    const deferToCbs = (): Mechanism => ({
      outcome: undefined,
      username: undefined,
      start() {
        this.outcome = true;
        this.username = "anonymous";
      },
    });
    const plain = (): Mechanism => ({
      outcome: undefined,
      username: undefined,
      start(response?: Buffer) {
        // authzid NUL authcid NUL password; the rule's name is the authcid.
        const [, username, password] = (response ?? Buffer.alloc(0)).toString("utf8").split("\0");
        const grant = access.login(username, password);
        this.outcome = grant !== undefined;
        this.username = username;
        this.grant = grant;
      },
    });
    return { MSSBCBS: deferToCbs, ANONYMOUS: deferToCbs, PLAIN: plain, EXTERNAL: deferToCbs };
  }

  #grantsOf(connection: RheaConnection): ConnectionGrants {
    let grants = this.#grants.get(connection);
    if (!grants) {
      grants = new ConnectionGrants(saslLoginOf(connection));
      this.#grants.set(connection, grants);
    }
    return grants;
  }

  /** Answers a put-token: 202 and the token's grant kept for the connection, or Service Bus's refusal. */
  putToken(
    connection: RheaConnection,
    token: unknown,
    audience: unknown,
  ): { statusCode: number; description: string } {
    const now = Date.now();
    const outcome = this.#access.checkToken(token, audience, now);
    if (!("grant" in outcome)) return outcome;
    if (!this.#grantsOf(connection).add(outcome.grant, now))
      return {
        statusCode: 403,
        description:
          "QuotaExceeded: This connection holds too many tokens; put fewer, or open another connection.",
      };
    return { statusCode: 202, description: "Accepted" };
  }

  /** Whether the connection may use `right` ("any" for a `$management` link) on `entityPath` now. */
  permits(connection: RheaConnection, entityPath: string, right: AccessRight | "any"): boolean {
    return this.#grantsOf(connection).allowedUntil(pathSegments(entityPath), right, Date.now()) !== undefined;
  }

  /**
   * Lets a link attach when the connection may use `right` on `entityPath`, and keeps checking as its
   * tokens expire; otherwise refuses it and answers false. `whenGone` registers what to undo when the
   * connection drops (rhea raises no link events then).
   */
  admit(
    link: RheaLink,
    entityPath: string,
    right: AccessRight | "any",
    refuse: (condition: string, description: string) => void,
    whenGone: (cleanup: () => void) => void,
  ): boolean {
    const grants = this.#grantsOf(link.connection);
    const path = pathSegments(entityPath);
    const claim = right === "any" ? "Listen" : right;
    const host = hostOf(link.connection);
    const until = grants.allowedUntil(path, right, Date.now());
    if (until === undefined) {
      refuse(UNAUTHORIZED, unauthorizedDescription(claim, host, entityPath));
      return false;
    }
    let timer: NodeJS.Timeout | undefined;
    const watch = (expiresAtMs: number) => {
      if (!Number.isFinite(expiresAtMs)) return;
      timer = setTimeout(recheck, Math.min(Math.max(expiresAtMs - Date.now(), 0), MAX_TIMER_MS));
      timer.unref();
    };
    const recheck = () => {
      timer = undefined;
      if (!link.is_open()) return;
      const renewed = grants.allowedUntil(path, right, Date.now());
      if (renewed !== undefined) {
        watch(renewed);
        return;
      }
      link.close({
        condition: UNAUTHORIZED,
        description: `ExpiredToken: The token authorizing this link expired and was not renewed. ${unauthorizedDescription(claim, host, entityPath)}`,
      });
    };
    const stop = () => clearTimeout(timer);
    link.on(link.is_sender() ? "sender_close" : "receiver_close", stop);
    whenGone(stop);
    watch(until);
    return true;
  }
}

/** The grant a SASL PLAIN login earned, if the connection logged in that way. */
function saslLoginOf(connection: RheaConnection): Grant | undefined {
  const transport = connection.sasl_transport;
  // rhea's server either runs SASL (its mechanism is on the transport) or lets the client choose between
  // SASL and none (the chosen transport is `selected`).
  const mechanism = (transport?.selected ?? transport)?.mechanism as Mechanism | undefined;
  return mechanism?.grant;
}

/** The namespace host the client named in its open frame, for error descriptions. */
export function hostOf(connection: RheaConnection): string {
  const hostname = connection.remote?.open?.hostname;
  return typeof hostname === "string" && hostname !== "" ? hostname : "localhost";
}
