// Azure SDK clients refuse to send a bearer token over plain http: core-rest-pipeline's
// bearerTokenAuthenticationPolicy throws for any non-https URL, whatever allowInsecureConnection says.
// The sandbox has no TLS, so this swaps that policy for one that signs http requests to loopback only.
import type { TokenCredential } from "@azure/core-auth";
import {
  bearerTokenAuthenticationPolicyName,
  type Pipeline,
  type PipelinePolicy,
} from "@azure/core-rest-pipeline";
import { armScope } from "./audiences.ts";

export const sandboxAuthenticationPolicyName = "sandboxAuthenticationPolicy";

const loopbackHosts = new Set(["127.0.0.1", "localhost", "[::1]"]);

export function sandboxAuthenticationPolicy(credential: TokenCredential, scopes: string[]): PipelinePolicy {
  return {
    name: sandboxAuthenticationPolicyName,
    async sendRequest(request, next) {
      const url = new URL(request.url);
      if (url.protocol !== "https:" && !loopbackHosts.has(url.hostname)) {
        throw new Error(`Refusing to send a bearer token over http to a non-loopback host (${url.host}).`);
      }
      const token = await credential.getToken(scopes, { abortSignal: request.abortSignal });
      if (token === null) throw new Error("The credential returned no token.");
      request.headers.set("authorization", `Bearer ${token.token}`);
      return next(request);
    },
  };
}

/**
 * Points an already-built SDK client's pipeline at the sandbox's plain-http endpoint. Pass the client
 * options from `sandboxArmClientOptions` too: they set the endpoint and allowInsecureConnection.
 */
export function useSandboxAuthentication<Client extends { pipeline: Pipeline }>(
  client: Client,
  credential: TokenCredential,
  scopes: string[] = [armScope],
): Client {
  client.pipeline.removePolicy({ name: bearerTokenAuthenticationPolicyName });
  client.pipeline.removePolicy({ name: sandboxAuthenticationPolicyName });
  client.pipeline.addPolicy(sandboxAuthenticationPolicy(credential, scopes), { phase: "Sign" });
  return client;
}
