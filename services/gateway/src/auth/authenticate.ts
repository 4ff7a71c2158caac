// Every route but /api/health needs an API key (Authorization: Bearer hm_… or X-API-Key), and the role its
// route asks for: reader reads, operator executes, admin manages keys. 401 and 403 use the one envelope.
import type { Context, MiddlewareHandler } from "hono";
import { apiError } from "../errors.ts";
import { type ApiKeyRecord, type ApiKeyStore, type Role, roleAllows } from "./api-key-store.ts";

/** The caller a request was authenticated as, for routes to read. */
export function callerOf(c: Context): ApiKeyRecord {
  const caller = c.get("caller" as never) as ApiKeyRecord | undefined;
  if (caller === undefined) throw new Error("callerOf used on a route without requireRole");
  return caller;
}

function presentedKey(c: Context): string | undefined {
  const bearer = /^Bearer\s+(\S+)$/i.exec(c.req.header("authorization") ?? "")?.[1];
  return bearer ?? c.req.header("x-api-key") ?? undefined;
}

export function requireRole(keys: ApiKeyStore, role: Role): MiddlewareHandler {
  return async (c, next) => {
    const key = presentedKey(c);
    const caller = key === undefined ? undefined : await keys.verify(key);
    if (caller === undefined) {
      c.header("WWW-Authenticate", 'Bearer realm="haymaker"');
      return apiError(
        c,
        401,
        "Unauthenticated",
        key === undefined
          ? "Send an API key: Authorization: Bearer hm_… (create one with `haymaker keys create`)."
          : "The API key is not valid or has been revoked.",
      );
    }
    if (!roleAllows(caller.role, role)) {
      return apiError(
        c,
        403,
        "Forbidden",
        `This needs the ${role} role; the key '${caller.name}' is ${caller.role}.`,
      );
    }
    c.set("caller" as never, caller as never);
    await next();
  };
}
