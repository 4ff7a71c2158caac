// Who may do what, as Service Bus decides it: a client proves a rule's key either by a token put on `$cbs`
// (every SDK) or by SASL PLAIN with the rule's name and key (Qpid-based clients), and each link then needs
// the right its work takes on its entity: Send to send, Listen to receive, Manage to change rules. Answers
// carry Service Bus's own status codes and wording, so the SDKs raise the errors they raise against Azure.
import { timingSafeEqual } from "node:crypto";
import { type AccessRight, type AuthorizationRule, effectiveRights } from "./rules.ts";
import {
  coversPath,
  parseResource,
  parseSharedAccessSignature,
  pathSegments,
  signedWith,
} from "./shared-access-signature.ts";

/** What one proof of a key allows: the rule's rights, on the entities under `scope`, until `expiresAtMs`. */
export interface Grant {
  ruleName: string;
  rights: ReadonlySet<AccessRight>;
  /** Path segments (lower case) the grant covers; empty for the whole namespace. */
  scope: readonly string[];
  /** Infinity for a SASL PLAIN login, which lasts as long as the connection. */
  expiresAtMs: number;
}

export type TokenOutcome = { grant: Grant } | { statusCode: 400 | 401; description: string };

export const UNAUTHORIZED = "amqp:unauthorized-access";
const INVALID_SIGNATURE = "InvalidSignature: The token has an invalid signature.";

export class AccessControl {
  readonly #rules: ReadonlyMap<string, AuthorizationRule>;

  constructor(rules: readonly AuthorizationRule[]) {
    this.#rules = new Map(rules.map((rule) => [rule.name.toLowerCase(), rule]));
  }

  /** SASL PLAIN: the rule's name and its key, as Service Bus accepts them. */
  login(username: unknown, password: unknown): Grant | undefined {
    const rule = typeof username === "string" ? this.#rules.get(username.toLowerCase()) : undefined;
    if (!rule || typeof password !== "string" || !sameText(password, rule.key)) return undefined;
    return {
      ruleName: rule.name,
      rights: effectiveRights(rule),
      scope: rule.entity === undefined ? [] : pathSegments(rule.entity),
      expiresAtMs: Number.POSITIVE_INFINITY,
    };
  }

  /** CBS put-token: `token` presented for `audience` (the resource the client will attach links to). */
  checkToken(token: unknown, audience: unknown, nowMs: number): TokenOutcome {
    const target = typeof audience === "string" ? parseResource(audience) : undefined;
    if (!target)
      return {
        statusCode: 400,
        description:
          "The put-token request must name the resource it authorizes (an absolute URI such as sb://localhost/queue) in its 'name' application property.",
      };
    const parsed = parseSharedAccessSignature(token);
    if (!parsed)
      return {
        statusCode: 401,
        description:
          "InvalidToken: The token is not a Shared Access Signature ('SharedAccessSignature sr=...&sig=...&se=...&skn=...'); this broker accepts no other kind.",
      };
    const rule = this.#rules.get(parsed.keyName.toLowerCase());
    // An unknown rule answers like a wrong key, so a caller cannot learn which rule names exist.
    if (!rule || !signedWith(parsed, rule.key)) return { statusCode: 401, description: INVALID_SIGNATURE };
    if (parsed.expiry * 1000 <= nowMs)
      return {
        statusCode: 401,
        description: `ExpiredToken: The token is expired. Expiration time: '${new Date(parsed.expiry * 1000)
          .toISOString()
          .replace("T", " ")
          .replace(/\.\d+Z$/, "Z")}'.`,
      };
    const ruleScope = rule.entity === undefined ? [] : pathSegments(rule.entity);
    if (
      parsed.resource.host !== target.host ||
      !coversPath(parsed.resource.segments, target.segments) ||
      !coversPath(ruleScope, target.segments)
    )
      return {
        statusCode: 401,
        description: `InvalidAudience: The token was signed for '${parsed.resource.host}/${parsed.resource.segments.join("/")}'${rule.entity === undefined ? "" : ` with a rule of entity '${rule.entity}'`}, which does not cover '${target.host}/${target.segments.join("/")}'.`,
      };
    return {
      grant: {
        ruleName: rule.name,
        rights: effectiveRights(rule),
        scope: target.segments,
        expiresAtMs: parsed.expiry * 1000,
      },
    };
  }
}

function sameText(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Service Bus's refusal of an operation a connection has no claim for. */
export function unauthorizedDescription(right: AccessRight, host: string, entityPath: string): string {
  return `Unauthorized access. '${right}' claim(s) are required to perform this operation. Resource: 'sb://${host}/${entityPath}'.`;
}

/** The right a `$management` operation needs, as Service Bus asks for it. */
export function rightForManagementOperation(operation: unknown): AccessRight {
  switch (operation) {
    case "com.microsoft:schedule-message":
    case "com.microsoft:cancel-scheduled-message":
      return "Send";
    case "com.microsoft:add-rule":
    case "com.microsoft:remove-rule":
      return "Manage";
    default:
      return "Listen";
  }
}
