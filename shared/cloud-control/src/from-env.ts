// The cloud-control settings every service that touches the tenant shares, read from the environment:
// HayMaker's own identity and ARM endpoint (azureCredentialFromEnv), its subscription, Graph's endpoint
// and how long to ride out Entra's replication.
import { parseEnv, readConfigParts } from "@haymaker/config";
import { PropagationWindowSchema } from "@haymaker/contracts";
import * as v from "valibot";
import { ArmGraphCloudControl } from "./arm-graph/arm-graph-cloud-control.ts";
import type { CloudControl } from "./cloud-control.ts";
import { azureCredentialFromEnv, EndpointEnv, GuidEnv } from "./credential-from-env.ts";

const CloudEnv = v.object({
  HAYMAKER_SUBSCRIPTION_ID: GuidEnv,
  HAYMAKER_GRAPH_ENDPOINT: v.optional(EndpointEnv),
  HAYMAKER_PROPAGATION_WINDOW: PropagationWindowSchema,
});

export function cloudControlFromEnv(env: Record<string, string | undefined>, service: string): CloudControl {
  // Both parts are read before either is refused, so every bad variable is named at once.
  const { signIn, parsed } = readConfigParts(service, {
    signIn: () => azureCredentialFromEnv(env, service),
    parsed: () => parseEnv(service, CloudEnv, env),
  });
  const { credential, tenantId, armEndpoint, sandbox } = signIn;
  // The sandbox serves ARM, Graph and the token endpoint on one origin.
  const graphEndpoint =
    parsed.HAYMAKER_GRAPH_ENDPOINT ?? (sandbox ? armEndpoint : "https://graph.microsoft.com");
  return new ArmGraphCloudControl({
    credential,
    tenantId,
    subscriptionId: parsed.HAYMAKER_SUBSCRIPTION_ID,
    armEndpoint,
    graphEndpoint,
    propagationWindowMs: parsed.HAYMAKER_PROPAGATION_WINDOW,
    // The sandbox finishes operations at once; Azure's own Retry-After pacing applies otherwise.
    ...(sandbox ? { pollIntervalMs: 50 } : {}),
  });
}
