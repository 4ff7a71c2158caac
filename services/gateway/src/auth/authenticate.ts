// Every route but /api/health needs a credential, and the role its route asks for: reader reads, operator
// executes, admin manages keys. A credential is an API key (Authorization: Bearer hm_… or X-API-Key) or,
// when the gateway is configured for it, an Entra ID access token (Authorization: Bearer <JWT>).
// 401, 403 and 503 use the one error envelope.
import type { Context, MiddlewareHandler } from "hono";
import { apiError } from "../errors.ts";
import { type ApiKeyStore, type Role, roleAllows } from "./api-key-store.ts";
import { ENTRA_APP_ROLES, type EntraTokenVerifier, looksLikeJwt } from "./entra-tokens.ts";

/** The caller a request was authenticated as. `id` is unique only together with `kind`. */
export interface Caller {
  kind: "api-key" | "entra";
  /** The key's id, or the Entra object id (oid). */
  id: string;
  /** The key's name, or the Entra user's sign-in name or application's client id. */
  name: string;
  role: Role;
}

/** What can authenticate a caller: always API keys, Entra tokens when configured. */
export interface Authenticators {
  keys: ApiKeyStore;
  entra?: EntraTokenVerifier | undefined;
}

/** The caller a request was authenticated as, for routes to read. */
export function callerOf(c: Context): Caller {
  const caller = c.get("caller" as never) as Caller | undefined;
  if (caller === undefined) throw new Error("callerOf used on a route without requireRole");
  return caller;
}

/** The caller as one string that tells callers apart (budgets and stream slots are kept per caller). */
export function callerKey(c: Context): string {
  const { kind, id } = callerOf(c);
  return `${kind}:${id}`;
}

type Presented = { kind: "none" } | { kind: "api-key"; key: string } | { kind: "entra"; token: string };

function presentedCredential(c: Context, entraOn: boolean): Presented {
  const bearer = /^Bearer\s+(\S+)$/i.exec(c.req.header("authorization") ?? "")?.[1];
  if (bearer !== undefined) {
    // Anything but a JWT stays an API key, so a mistyped key is still answered as one.
    if (entraOn && !bearer.startsWith("hm_") && looksLikeJwt(bearer)) return { kind: "entra", token: bearer };
    return { kind: "api-key", key: bearer };
  }
  const key = c.req.header("x-api-key");
  return key === undefined ? { kind: "none" } : { kind: "api-key", key };
}

function unauthenticated(c: Context, message: string, invalidToken = false): Response {
  c.header(
    "WWW-Authenticate",
    invalidToken ? 'Bearer realm="haymaker", error="invalid_token"' : 'Bearer realm="haymaker"',
  );
  return apiError(c, 401, "Unauthenticated", message);
}

/** The caller, or the answer to send instead. */
async function authenticate(c: Context, auth: Authenticators): Promise<Caller | Response> {
  const presented = presentedCredential(c, auth.entra !== undefined);
  if (presented.kind === "none") {
    return unauthenticated(
      c,
      "Send an API key: Authorization: Bearer hm_… (create one with `haymaker keys create`)" +
        (auth.entra === undefined ? "." : ", or an Entra ID access token: Authorization: Bearer <token>."),
    );
  }
  if (presented.kind === "api-key") {
    const record = await auth.keys.verify(presented.key);
    if (record === undefined) return unauthenticated(c, "The API key is not valid or has been revoked.");
    return { kind: "api-key", id: record.id, name: record.name, role: record.role };
  }
  const verified = await (auth.entra as EntraTokenVerifier).verify(presented.token);
  if (verified.status === "unavailable") {
    return apiError(
      c,
      503,
      "AuthUnavailable",
      "Entra ID tokens cannot be checked right now (the tenant's signing keys are out of reach); " +
        "try again shortly, or use an API key.",
    );
  }
  if (verified.status === "invalid") {
    return unauthenticated(
      c,
      `The Entra ID access token is not accepted: ${verified.problem}. ` +
        "Get a new one for this API (az account get-access-token --resource <application ID URI>).",
      true,
    );
  }
  const { id, name, role } = verified.identity;
  if (role === undefined) {
    return apiError(
      c,
      403,
      "Forbidden",
      `The Entra ID caller '${name}' has none of the HayMaker app roles ` +
        `(${Object.values(ENTRA_APP_ROLES).join(", ")}); ask an admin to assign one.`,
    );
  }
  return { kind: "entra", id, name, role };
}

/**
 * Lets the request through when its caller holds `role`. Given only the key store it accepts API keys;
 * given the authenticators it accepts Entra tokens too. A caller already authenticated earlier in the
 * same request (the gateway checks every /api route first) is not checked again, only its role.
 */
export function requireRole(auth: ApiKeyStore | Authenticators, role: Role): MiddlewareHandler {
  const authenticators: Authenticators = "keys" in auth ? auth : { keys: auth };
  return async (c, next) => {
    let caller = c.get("caller" as never) as Caller | undefined;
    if (caller === undefined) {
      const outcome = await authenticate(c, authenticators);
      if (outcome instanceof Response) return outcome;
      caller = outcome;
      c.set("caller" as never, caller as never);
    }
    if (!roleAllows(caller.role, role)) {
      const who =
        caller.kind === "api-key" ? `the key '${caller.name}'` : `the Entra ID caller '${caller.name}'`;
      return apiError(c, 403, "Forbidden", `This needs the ${role} role; ${who} is ${caller.role}.`);
    }
    await next();
  };
}
