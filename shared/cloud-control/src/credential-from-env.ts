// HayMaker's own identity and ARM endpoint, read from the environment in one place for every adapter that
// signs in to Azure (cloud control, the agent runtime, …): a client id and secret when given (always, for
// the sandbox cloud), otherwise DefaultAzureCredential (the managed identity of a Container Apps job in
// Azure). The sandbox cloud, plain http on loopback, serves ARM, Graph and the token endpoint on one origin.
import type { TokenCredential } from "@azure/core-auth";
import { ClientSecretCredential, DefaultAzureCredential } from "@azure/identity";
import { parseEnv } from "@haymaker/config";
import { SandboxCredential } from "@haymaker/sandbox-cloud";
import * as v from "valibot";
import { isSandboxEndpoint } from "./arm-graph/arm-graph-cloud-control.ts";

export const GuidEnv = v.pipe(
  v.string(),
  v.regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, "must be a GUID"),
);
export const EndpointEnv = v.pipe(
  v.string(),
  v.url("must be an absolute URL such as https://management.azure.com"),
);

const CredentialEnv = v.pipe(
  v.object({
    HAYMAKER_TENANT_ID: GuidEnv,
    HAYMAKER_ARM_ENDPOINT: v.optional(EndpointEnv, "https://management.azure.com"),
    HAYMAKER_AUTHORITY_HOST: v.optional(EndpointEnv),
    HAYMAKER_CLIENT_ID: v.optional(v.pipe(v.string(), v.minLength(1, "must not be empty"))),
    HAYMAKER_CLIENT_SECRET: v.optional(v.pipe(v.string(), v.minLength(1, "must not be empty"))),
  }),
  v.forward(
    v.check(
      (env) => (env.HAYMAKER_CLIENT_ID === undefined) === (env.HAYMAKER_CLIENT_SECRET === undefined),
      "set both HAYMAKER_CLIENT_ID and HAYMAKER_CLIENT_SECRET, or neither (to use the managed identity)",
    ),
    ["HAYMAKER_CLIENT_SECRET"],
  ),
  v.forward(
    v.check(
      (env) => !isSandboxEndpoint(env.HAYMAKER_ARM_ENDPOINT) || env.HAYMAKER_CLIENT_SECRET !== undefined,
      "the sandbox cloud needs HAYMAKER_CLIENT_ID and HAYMAKER_CLIENT_SECRET (see local.json)",
    ),
    ["HAYMAKER_CLIENT_SECRET"],
  ),
);

export interface AzureCredentialSettings {
  credential: TokenCredential;
  tenantId: string;
  armEndpoint: string;
  authorityHost: string;
  /** Whether armEndpoint is the sandbox cloud (plain http on loopback). */
  sandbox: boolean;
}

/** HAYMAKER_TENANT_ID, HAYMAKER_ARM_ENDPOINT, HAYMAKER_AUTHORITY_HOST, HAYMAKER_CLIENT_ID/SECRET. */
export function azureCredentialFromEnv(
  env: Record<string, string | undefined>,
  service: string,
): AzureCredentialSettings {
  const parsed = parseEnv(service, CredentialEnv, env);
  const armEndpoint = parsed.HAYMAKER_ARM_ENDPOINT;
  const sandbox = isSandboxEndpoint(armEndpoint);
  const tenantId = parsed.HAYMAKER_TENANT_ID;
  const authorityHost =
    parsed.HAYMAKER_AUTHORITY_HOST ?? (sandbox ? armEndpoint : "https://login.microsoftonline.com");
  const clientId = parsed.HAYMAKER_CLIENT_ID;
  const clientSecret = parsed.HAYMAKER_CLIENT_SECRET;
  const credential =
    clientId !== undefined && clientSecret !== undefined
      ? sandbox
        ? new SandboxCredential({ authorityHost, tenantId, clientId, clientSecret })
        : new ClientSecretCredential(tenantId, clientId, clientSecret, { authorityHost })
      : new DefaultAzureCredential();
  return { credential, tenantId, armEndpoint, authorityHost, sandbox };
}
