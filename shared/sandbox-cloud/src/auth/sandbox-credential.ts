// A TokenCredential for the sandbox cloud's token endpoint. @azure/identity's ClientSecretCredential
// insists on https authorities and instance discovery, so the sandbox ships its own small credential.
import type { AccessToken, GetTokenOptions, TokenCredential } from "@azure/core-auth";

export interface SandboxCredentialOptions {
  /** The sandbox's base URL, e.g. the `url` returned by startSandboxCloud. */
  authorityHost: string;
  tenantId: string;
  clientId: string;
  clientSecret: string;
}

// Refresh a little before expiry so a token never lapses mid-request.
const refreshMarginMs = 60_000;

export class SandboxCredential implements TokenCredential {
  readonly #options: SandboxCredentialOptions;
  readonly #cache = new Map<string, AccessToken>();

  constructor(options: SandboxCredentialOptions) {
    this.#options = options;
  }

  async getToken(scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken> {
    const scope = Array.isArray(scopes) ? scopes.join(" ") : scopes;
    const cached = this.#cache.get(scope);
    if (cached !== undefined && cached.expiresOnTimestamp - refreshMarginMs > Date.now()) return cached;

    const { authorityHost, tenantId, clientId, clientSecret } = this.#options;
    const url = new URL(`${encodeURIComponent(tenantId)}/oauth2/v2.0/token`, withSlash(authorityHost));
    const response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({
        grant_type: "client_credentials",
        client_id: clientId,
        client_secret: clientSecret,
        scope,
      }),
      // core-auth types the signal structurally; at runtime it is a DOM AbortSignal.
      signal: (options?.abortSignal as AbortSignal | undefined) ?? null,
    });
    const body = (await response.json()) as {
      access_token?: string;
      expires_in?: number;
      error?: string;
      error_description?: string;
    };
    if (!response.ok || body.access_token === undefined || body.expires_in === undefined) {
      // Never echo the secret; the OAuth error code and description are enough to diagnose.
      throw new Error(
        `SandboxCredential: token request for ${clientId} failed (${response.status} ${body.error ?? ""}: ${body.error_description ?? ""})`,
      );
    }
    const token: AccessToken = {
      token: body.access_token,
      expiresOnTimestamp: Date.now() + body.expires_in * 1000,
      tokenType: "Bearer",
    };
    this.#cache.set(scope, token);
    return token;
  }
}

function withSlash(url: string): string {
  return url.endsWith("/") ? url : `${url}/`;
}
