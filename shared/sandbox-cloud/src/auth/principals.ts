// Registered principals and the opaque bearer tokens issued to them. Tokens are random strings looked up
// here on every ARM call, so revoking a principal (later, via Graph) takes effect at once.
import { randomBytes, timingSafeEqual } from "node:crypto";
import type { DatabaseSync } from "node:sqlite";

export interface PrincipalRegistration {
  clientId: string;
  secret: string;
  /** ARM scopes the principal may act in: `/subscriptions/{id}` or `/subscriptions/{id}/resourceGroups/{rg}`. */
  subscriptionScopes: string[];
}

export interface Principal {
  clientId: string;
  scopes: string[];
}

export interface IssuedToken {
  accessToken: string;
  expiresInSeconds: number;
}

const tokenLifetimeSeconds = 3600;

export class Principals {
  readonly #db: DatabaseSync;

  constructor(db: DatabaseSync) {
    this.#db = db;
  }

  register(registration: PrincipalRegistration): void {
    this.#db
      .prepare(
        "INSERT INTO principals (client_id, secret, scopes) VALUES (?, ?, ?) " +
          "ON CONFLICT (client_id) DO UPDATE SET secret = excluded.secret, scopes = excluded.scopes",
      )
      .run(registration.clientId, registration.secret, JSON.stringify(registration.subscriptionScopes));
  }

  /** Returns undefined for an unknown client or a wrong secret, without saying which. */
  issueToken(clientId: string, secret: string, now = Date.now()): IssuedToken | undefined {
    const row = this.#db.prepare("SELECT secret FROM principals WHERE client_id = ?").get(clientId) as
      | { secret: string }
      | undefined;
    if (row === undefined || !sameSecret(row.secret, secret)) return undefined;
    const accessToken = randomBytes(32).toString("base64url");
    this.#db
      .prepare("INSERT INTO tokens (token, client_id, expires_at) VALUES (?, ?, ?)")
      .run(accessToken, clientId, now + tokenLifetimeSeconds * 1000);
    return { accessToken, expiresInSeconds: tokenLifetimeSeconds };
  }

  authenticate(accessToken: string, now = Date.now()): Principal | undefined {
    const row = this.#db
      .prepare(
        "SELECT p.client_id AS clientId, p.scopes AS scopes FROM tokens t " +
          "JOIN principals p ON p.client_id = t.client_id WHERE t.token = ? AND t.expires_at > ?",
      )
      .get(accessToken, now) as { clientId: string; scopes: string } | undefined;
    if (row === undefined) return undefined;
    return { clientId: row.clientId, scopes: JSON.parse(row.scopes) as string[] };
  }
}

function sameSecret(expected: string, given: string): boolean {
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** ARM ids are case-insensitive; a scope covers itself and everything below it. */
export function scopeCovers(scopes: string[], target: string): boolean {
  const t = target.toLowerCase();
  return scopes.some((scope) => {
    const s = scope.toLowerCase().replace(/\/+$/, "");
    return t === s || t.startsWith(`${s}/`);
  });
}
