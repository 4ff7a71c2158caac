// The cloud-control settings every service that touches the tenant shares, read from the environment.
// HayMaker's own identity: a client id and secret when given (always, for the sandbox cloud), otherwise
// DefaultAzureCredential (the managed identity of a Container Apps job in Azure).
import { ClientSecretCredential, DefaultAzureCredential } from "@azure/identity";
import { parseEnv } from "@haymaker/config";
import { PropagationWindowSchema } from "@haymaker/contracts";
import { SandboxCredential } from "@haymaker/sandbox-cloud";
import * as v from "valibot";
import { ArmGraphCloudControl, isSandboxEndpoint } from "./arm-graph/arm-graph-cloud-control.ts";
import type { CloudControl } from "./cloud-control.ts";

const Guid = v.pipe(
  v.string(),
  v.regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, "must be a GUID"),
);
const Endpoint = v.pipe(v.string(), v.url("must be an absolute URL such as https://management.azure.com"));

const CloudEnv = v.pipe(
  v.object({
    HAYMAKER_TENANT_ID: Guid,
    HAYMAKER_SUBSCRIPTION_ID: Guid,
    HAYMAKER_ARM_ENDPOINT: v.optional(Endpoint, "https://management.azure.com"),
    HAYMAKER_GRAPH_ENDPOINT: v.optional(Endpoint),
    HAYMAKER_AUTHORITY_HOST: v.optional(Endpoint),
    HAYMAKER_CLIENT_ID: v.optional(v.pipe(v.string(), v.minLength(1, "must not be empty"))),
    HAYMAKER_CLIENT_SECRET: v.optional(v.pipe(v.string(), v.minLength(1, "must not be empty"))),
    HAYMAKER_PROPAGATION_WINDOW: PropagationWindowSchema,
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

export function cloudControlFromEnv(env: Record<string, string | undefined>, service: string): CloudControl {
  const parsed = parseEnv(service, CloudEnv, env);
  const armEndpoint = parsed.HAYMAKER_ARM_ENDPOINT;
  const sandbox = isSandboxEndpoint(armEndpoint);
  // The sandbox serves ARM, Graph and the token endpoint on one origin.
  const graphEndpoint =
    parsed.HAYMAKER_GRAPH_ENDPOINT ?? (sandbox ? armEndpoint : "https://graph.microsoft.com");
  const authorityHost =
    parsed.HAYMAKER_AUTHORITY_HOST ?? (sandbox ? armEndpoint : "https://login.microsoftonline.com");
  const clientId = parsed.HAYMAKER_CLIENT_ID;
  const clientSecret = parsed.HAYMAKER_CLIENT_SECRET;
  const credential =
    clientId !== undefined && clientSecret !== undefined
      ? sandbox
        ? new SandboxCredential({
            authorityHost,
            tenantId: parsed.HAYMAKER_TENANT_ID,
            clientId,
            clientSecret,
          })
        : new ClientSecretCredential(parsed.HAYMAKER_TENANT_ID, clientId, clientSecret, { authorityHost })
      : new DefaultAzureCredential();
  return new ArmGraphCloudControl({
    credential,
    tenantId: parsed.HAYMAKER_TENANT_ID,
    subscriptionId: parsed.HAYMAKER_SUBSCRIPTION_ID,
    armEndpoint,
    graphEndpoint,
    propagationWindowMs: parsed.HAYMAKER_PROPAGATION_WINDOW,
    // The sandbox finishes operations at once; Azure's own Retry-After pacing applies otherwise.
    ...(sandbox ? { pollIntervalMs: 50 } : {}),
  });
}
