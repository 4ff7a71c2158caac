// A refused sign-in (wrong secret, unknown client or tenant, disabled identity) is the same kind of problem
// as a 403: the identity cannot do its work, and retrying will not change that. The credentials report it
// in their own ways; this turns both into one error the agent reports as 401 SignInRefused (exit 3), while
// an unreachable token endpoint stays an ordinary failure.
import type { AccessToken, GetTokenOptions, TokenCredential } from "@azure/core-auth";

export class SignInRefusedError extends Error {
  override name = "SignInRefusedError";
  readonly statusCode = 401;
  readonly code = "SignInRefused";
}

function refused(error: unknown): boolean {
  const e = error as { name?: unknown; statusCode?: unknown; message?: unknown };
  // @azure/identity: the token endpoint's OAuth error (invalid_client, unauthorized_client, ...).
  if (e?.name === "AuthenticationError") return e.statusCode === 400 || e.statusCode === 401;
  // The sandbox cloud's credential: "... token request for <client> failed (401 invalid_client: ...)".
  return typeof e?.message === "string" && /^SandboxCredential: .* failed \(40[01] /.test(e.message);
}

export function reportingRefusedSignIn(credential: TokenCredential): TokenCredential {
  return {
    async getToken(scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken | null> {
      try {
        return await credential.getToken(scopes, options);
      } catch (error) {
        if (!refused(error)) throw error;
        // The message names no secret; the endpoint's description (which names the client) stays out too.
        throw new SignInRefusedError("the identity's sign-in was refused by the token endpoint");
      }
    },
  };
}
