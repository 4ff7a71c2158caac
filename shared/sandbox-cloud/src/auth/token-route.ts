// The Entra client-credentials token endpoint, shaped like login.microsoftonline.com so the same
// credential code talks to either. Errors use the OAuth error body, not the ARM envelope. Never faulted:
// fault injection is about the management plane, not about whether a test can sign in.
import type { Hono } from "hono";
import { type ClientCredentialsDeps, grantClientCredentials } from "./client-credentials.ts";

export function registerTokenRoute(app: Hono, deps: ClientCredentialsDeps): void {
  app.post("/:tenantId/oauth2/v2.0/token", async (c) => {
    const form = new URLSearchParams(await c.req.text());
    const result = grantClientCredentials(deps, c.req.param("tenantId"), form);
    if ("body" in result) return c.json(result.body, result.status);
    return c.json({
      token_type: "Bearer",
      expires_in: result.expiresInSeconds,
      ext_expires_in: result.expiresInSeconds,
      access_token: result.accessToken,
    });
  });
}
