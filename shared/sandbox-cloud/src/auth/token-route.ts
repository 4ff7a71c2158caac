// The Entra client-credentials token endpoint, shaped like login.microsoftonline.com so the same
// credential code talks to either. Errors use the OAuth error body, not the ARM envelope.
import type { Hono } from "hono";
import type { Principals } from "./principals.ts";

export function registerTokenRoute(app: Hono, principals: Principals): void {
  app.post("/:tenantId/oauth2/v2.0/token", async (c) => {
    const form = new URLSearchParams(await c.req.text());
    if (form.get("grant_type") !== "client_credentials") {
      return c.json(
        { error: "unsupported_grant_type", error_description: "Only client_credentials is supported." },
        400,
      );
    }
    const clientId = form.get("client_id") ?? "";
    const issued = principals.issueToken(clientId, form.get("client_secret") ?? "");
    if (issued === undefined) {
      return c.json({ error: "invalid_client", error_description: "Invalid client id or secret." }, 401);
    }
    return c.json({
      token_type: "Bearer",
      expires_in: issued.expiresInSeconds,
      ext_expires_in: issued.expiresInSeconds,
      access_token: issued.accessToken,
    });
  });
}
