// The gateway's Entra ID settings from the environment. Entra is optional: it is on when both the tenant
// and the audience are set, and off when neither is. One without the other is a mistake worth refusing to
// start over, since the operator clearly meant to turn Entra on.
import { ConfigError, parseEnv } from "@haymaker/config";
import * as v from "valibot";

export const DEFAULT_AUTHORITY_HOST = "https://login.microsoftonline.com";

export interface EntraSettings {
  /** The directory (tenant) id, a lower-case GUID: tokens must come from, and be for, this tenant. */
  tenantId: string;
  /** What `aud` may be: the gateway's application id URI and/or its client id. */
  audiences: readonly string[];
  /** Where Entra signs people in, without a trailing slash; differs in sovereign clouds and the sandbox. */
  authorityHost: string;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const TenantId = v.pipe(
  v.string(),
  v.trim(),
  v.regex(GUID, "must be the directory (tenant) ID, a GUID such as 72f988bf-86f1-41af-91ab-2d7cd011db47"),
  v.toLowerCase(),
);

const Audiences = v.pipe(
  v.string(),
  v.transform((text) => text.split(",").map((part) => part.trim())),
  v.check(
    (parts) => parts.every((part) => part.length > 0),
    "must be a comma-separated list of the gateway's application ID URI and/or client ID, with no empty entries",
  ),
);

// Plain http is allowed only on loopback, where the sandbox's stand-in authority runs.
const AuthorityHost = v.pipe(
  v.string(),
  v.trim(),
  v.check((text) => {
    if (!URL.canParse(text)) return false;
    const url = new URL(text);
    const loopback = url.hostname === "127.0.0.1" || url.hostname === "localhost" || url.hostname === "[::1]";
    const secure = url.protocol === "https:" || (url.protocol === "http:" && loopback);
    return secure && url.pathname.replace(/\/+$/, "") === "" && url.search === "" && url.hash === "";
  }, "must be the authority's https URL with no path, such as https://login.microsoftonline.com"),
  v.transform((text) => text.replace(/\/+$/, "")),
);

const EntraEnv = v.object({
  HAYMAKER_ENTRA_TENANT_ID: v.optional(TenantId),
  HAYMAKER_ENTRA_AUDIENCE: v.optional(Audiences),
  HAYMAKER_ENTRA_AUTHORITY_HOST: v.optional(AuthorityHost, DEFAULT_AUTHORITY_HOST),
});

/** The Entra settings, or undefined when Entra is off; throws ConfigError naming each bad variable. */
export function entraSettingsFromEnv(
  service: string,
  env: Record<string, string | undefined>,
): EntraSettings | undefined {
  // An empty variable counts as unset, the way deployment templates leave optional settings.
  const present = Object.fromEntries(
    Object.entries(env).filter(([name, value]) => !name.startsWith("HAYMAKER_ENTRA_") || value?.trim()),
  );
  const parsed = parseEnv(service, EntraEnv, present);
  const tenantId = parsed.HAYMAKER_ENTRA_TENANT_ID;
  const audiences = parsed.HAYMAKER_ENTRA_AUDIENCE;
  if (tenantId === undefined && audiences === undefined) return undefined;
  if (tenantId === undefined || audiences === undefined) {
    throw new ConfigError(service, [
      "HAYMAKER_ENTRA_TENANT_ID, HAYMAKER_ENTRA_AUDIENCE: set both to accept Entra ID tokens, or neither to accept API keys only",
    ]);
  }
  return { tenantId, audiences, authorityHost: parsed.HAYMAKER_ENTRA_AUTHORITY_HOST };
}
