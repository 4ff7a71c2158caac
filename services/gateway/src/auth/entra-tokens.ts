// Entra ID (Azure AD) access tokens for the gateway, for operators and automation in Azure. A token counts
// when it is an RS256 JWT signed by one of the tenant's published keys, issued by that tenant (v1 or v2
// issuer, and `tid`), for this API (`aud`), and within its lifetime. Its app roles decide what it may do.
// Refusals name the problem in general terms only: never the token, never the verifier's internals.
import { createRemoteJWKSet, errors, type JWTPayload, type JWTVerifyGetKey, jwtVerify } from "jose";
import type { Role } from "./api-key-store.ts";
import type { EntraSettings } from "./entra-config.ts";

/** The app roles to define on the gateway's app registration, and the HayMaker role each grants. */
export const ENTRA_APP_ROLES: Readonly<Record<Role, string>> = {
  reader: "HayMaker.Reader",
  operator: "HayMaker.Operator",
  admin: "HayMaker.Admin",
};

export interface EntraIdentity {
  /** The object id (`oid`) of the user or service principal: stable, unique in the tenant. */
  id: string;
  /** The user's sign-in name, or the calling application's client id. */
  name: string;
  /** The highest HayMaker app role the token carries; undefined when it carries none. */
  role: Role | undefined;
}

export type EntraVerification =
  | { status: "valid"; identity: EntraIdentity }
  | { status: "invalid"; problem: string }
  /** The tenant's signing keys could not be fetched, so no token can be judged either way. */
  | { status: "unavailable" };

export interface EntraVerifierOptions {
  /** Where a failure to fetch the signing keys is reported; it never includes a token. */
  log: (message: string, fields: Record<string, unknown>) => void;
  /** How far `exp` and `nbf` may be off, for clocks that drift. */
  clockToleranceSeconds?: number;
  /** After a fetch, how long an unknown key id is refused without fetching again, so forged ids cannot flood Entra. */
  jwksCooldownMs?: number;
  /** How long one fetch of the signing keys may take. */
  jwksTimeoutMs?: number;
}

// v1 tokens name a different host than the authority (sts.windows.net for the public cloud). For clouds not
// listed here the v1 issuer is not known well enough to guess, so the authority host stands in and v2
// tokens are the sure choice.
const V1_ISSUER_HOSTS: Readonly<Record<string, string>> = {
  "https://login.microsoftonline.com": "https://sts.windows.net",
  "https://login.chinacloudapi.cn": "https://sts.chinacloudapi.cn",
};

const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

/** Whether a bearer credential has the shape of a JWT (three base64url parts), so is no API key. */
export function looksLikeJwt(credential: string): boolean {
  return JWT_SHAPE.test(credential);
}

/** Raised by the key lookup when the keys themselves could not be had, as opposed to a bad token. */
class SigningKeysUnavailable extends Error {
  override name = "SigningKeysUnavailable";
}

export class EntraTokenVerifier {
  readonly #settings: EntraSettings;
  readonly #issuers: string[];
  readonly #jwksUrl: URL;
  readonly #getKey: JWTVerifyGetKey;
  readonly #log: EntraVerifierOptions["log"];
  readonly #clockTolerance: number;

  constructor(settings: EntraSettings, options: EntraVerifierOptions) {
    this.#settings = settings;
    const authority = settings.authorityHost;
    const tenant = settings.tenantId;
    this.#issuers = [`${authority}/${tenant}/v2.0`, `${V1_ISSUER_HOSTS[authority] ?? authority}/${tenant}/`];
    this.#jwksUrl = new URL(`${authority}/${tenant}/discovery/v2.0/keys`);
    this.#log = options.log;
    this.#clockTolerance = options.clockToleranceSeconds ?? 60;
    const remote = createRemoteJWKSet(this.#jwksUrl, {
      cooldownDuration: options.jwksCooldownMs ?? 30_000,
      timeoutDuration: options.jwksTimeoutMs ?? 5_000,
    });
    this.#getKey = async (header, token) => {
      try {
        return await remote(header, token);
      } catch (error) {
        // An unknown key id is the token's fault (after one refetch); anything else means the keys are
        // out of reach or unusable, which says nothing about the token.
        if (error instanceof errors.JWKSNoMatchingKey || error instanceof errors.JWKSMultipleMatchingKeys) {
          throw error;
        }
        throw new SigningKeysUnavailable("signing keys unavailable", { cause: error });
      }
    };
  }

  /** The issuers accepted: the tenant's v2 issuer and its v1 issuer. */
  get issuers(): readonly string[] {
    return this.#issuers;
  }

  async verify(token: string): Promise<EntraVerification> {
    let claims: JWTPayload;
    try {
      ({ payload: claims } = await jwtVerify(token, this.#getKey, {
        algorithms: ["RS256"],
        issuer: this.#issuers,
        audience: [...this.#settings.audiences],
        clockTolerance: this.#clockTolerance,
        requiredClaims: ["exp", "tid", "oid"],
      }));
    } catch (error) {
      if (error instanceof SigningKeysUnavailable) {
        this.#log("cannot fetch the Entra ID signing keys; Entra callers get 503 until it works", {
          jwksUrl: this.#jwksUrl.href,
          reason: describeFetchFailure(error.cause),
        });
        return { status: "unavailable" };
      }
      return { status: "invalid", problem: problemOf(error) };
    }
    if (typeof claims.tid !== "string" || claims.tid.toLowerCase() !== this.#settings.tenantId) {
      return { status: "invalid", problem: "the token was issued for another tenant (tid)" };
    }
    const id = claims.oid;
    if (typeof id !== "string" || !/^[0-9A-Za-z-]{1,64}$/.test(id)) {
      return { status: "invalid", problem: "the token does not name its caller (oid)" };
    }
    return { status: "valid", identity: { id, name: nameOf(claims) ?? id, role: roleOf(claims.roles) } };
  }
}

/** The highest HayMaker role among the token's app roles. */
function roleOf(roles: unknown): Role | undefined {
  if (!Array.isArray(roles)) return undefined;
  const granted = (Object.entries(ENTRA_APP_ROLES) as [Role, string][])
    .filter(([, appRole]) => roles.includes(appRole))
    .map(([role]) => role);
  return granted.at(-1);
}

// Users carry a sign-in name; applications (client credentials) carry only their client id: azp in v2
// tokens, appid in v1. The name ends up in events and logs, so only a plain single line is taken.
function nameOf(claims: JWTPayload): string | undefined {
  for (const claim of ["preferred_username", "upn", "azp", "appid"]) {
    const value = claims[claim];
    if (typeof value === "string" && /^[^\p{Cc}\s][^\p{Cc}]{0,199}$/u.test(value)) return value;
  }
  return undefined;
}

function problemOf(error: unknown): string {
  if (error instanceof errors.JWTExpired) return "the token has expired";
  if (error instanceof errors.JOSEAlgNotAllowed) return "the token is not signed with RS256";
  if (error instanceof errors.JWSSignatureVerificationFailed) return "the token's signature is not valid";
  if (error instanceof errors.JWKSNoMatchingKey || error instanceof errors.JWKSMultipleMatchingKeys) {
    return "the token is not signed with a key the tenant publishes";
  }
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.reason === "missing") return `the token lacks the ${error.claim} claim`;
    switch (error.claim) {
      case "aud":
        return "the token is not for this API (audience)";
      case "iss":
        return "the token was not issued by this tenant (issuer)";
      case "nbf":
        return "the token is not valid yet";
      default:
        return `the token's ${error.claim} claim is not valid`;
    }
  }
  return "the token is malformed";
}

// Enough to tell a refused connection from a timeout or a bad answer, without a stack.
function describeFetchFailure(cause: unknown): string {
  if (!(cause instanceof Error)) return "unknown failure";
  const code = (cause.cause as { code?: unknown } | undefined)?.code;
  return typeof code === "string" ? `${cause.message} (${code})` : cause.message;
}
