// Bootstrap principals (registered in-process: HayMaker's own identity) and the opaque bearer tokens
// issued to any client. Tokens are random strings looked up on every call, which is what lets the
// sandbox revoke them at once.
import { randomBytes, timingSafeEqual } from "node:crypto";
import type { DatabaseSync } from "node:sqlite";
import { nameBasedGuid } from "../name-based-guid.ts";

export interface PrincipalRegistration {
  clientId: string;
  secret: string;
  /**
   * ARM scopes the principal may act in, as Owner: `/subscriptions/{id}` or
   * `/subscriptions/{id}/resourceGroups/{rg}`.
   */
  subscriptionScopes: string[];
  /** May call Microsoft Graph to manage applications and service principals. */
  directoryWriter?: boolean;
}

export interface BootstrapPrincipal {
  clientId: string;
  scopes: string[];
  directoryWriter: boolean;
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
        "INSERT INTO principals (client_id, secret, scopes, directory_writer) VALUES (?, ?, ?, ?) " +
          "ON CONFLICT (client_id) DO UPDATE SET secret = excluded.secret, scopes = excluded.scopes, " +
          "directory_writer = excluded.directory_writer",
      )
      .run(
        registration.clientId,
        registration.secret,
        JSON.stringify(registration.subscriptionScopes),
        registration.directoryWriter === true ? 1 : 0,
      );
  }

  /** The bootstrap principal whose object id (bootstrapObjectId) this is. */
  bootstrapByObjectId(objectId: string): BootstrapPrincipal | undefined {
    const clientIds = this.#db.prepare("SELECT client_id FROM principals").all() as { client_id: string }[];
    const match = clientIds.find((row) => bootstrapObjectId(row.client_id) === objectId.toLowerCase());
    return match === undefined ? undefined : this.bootstrap(match.client_id);
  }

  bootstrap(clientId: string): BootstrapPrincipal | undefined {
    const row = this.#db
      .prepare("SELECT client_id, scopes, directory_writer FROM principals WHERE client_id = ?")
      .get(clientId) as { client_id: string; scopes: string; directory_writer: number } | undefined;
    if (row === undefined) return undefined;
    return {
      clientId: row.client_id,
      scopes: JSON.parse(row.scopes) as string[],
      directoryWriter: row.directory_writer === 1,
    };
  }

  /** Undefined for an unknown bootstrap client; false for a wrong secret. */
  checkBootstrapSecret(clientId: string, secret: string): boolean | undefined {
    const row = this.#db.prepare("SELECT secret FROM principals WHERE client_id = ?").get(clientId) as
      | { secret: string }
      | undefined;
    return row === undefined ? undefined : sameSecret(row.secret, secret);
  }

  issueToken(clientId: string, audience: string, now = Date.now()): IssuedToken {
    const accessToken = randomBytes(32).toString("base64url");
    this.#db
      .prepare("INSERT INTO tokens (token, client_id, audience, expires_at) VALUES (?, ?, ?, ?)")
      .run(accessToken, clientId, audience, now + tokenLifetimeSeconds * 1000);
    return { accessToken, expiresInSeconds: tokenLifetimeSeconds };
  }

  /** The client and audience a live token was issued for. */
  tokenOwner(accessToken: string, now = Date.now()): { clientId: string; audience: string } | undefined {
    const row = this.#db
      .prepare("SELECT client_id, audience FROM tokens WHERE token = ? AND expires_at > ?")
      .get(accessToken, now) as { client_id: string; audience: string } | undefined;
    return row === undefined ? undefined : { clientId: row.client_id, audience: row.audience };
  }

  revokeTokens(clientId: string): void {
    this.#db.prepare("DELETE FROM tokens WHERE client_id = ?").run(clientId);
  }
}

/**
 * The object id a bootstrap principal has in the directory (in Azure, HayMaker's identity is a service
 * principal or managed identity like any other), so role assignments can name it: what Key Vault's data
 * plane needs, since Owner carries no data actions. Derived from the client id, so it is the same across
 * restarts without being stored.
 */
export function bootstrapObjectId(clientId: string): string {
  return nameBasedGuid(`haymaker-sandbox-bootstrap-principal:${clientId}`);
}

/** The object id role assignments name a caller by: its service principal's, or its bootstrap object id. */
export function principalIdOf(caller: {
  kind: "bootstrap" | "application";
  clientId: string;
  objectId: string | undefined;
}): string | undefined {
  return caller.kind === "bootstrap" ? bootstrapObjectId(caller.clientId) : caller.objectId;
}

function sameSecret(expected: string, given: string): boolean {
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}
