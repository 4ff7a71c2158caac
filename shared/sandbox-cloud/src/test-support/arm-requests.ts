// Test helper: plain ARM requests to a sandbox with a credential's token, for surfaces whose SDK this
// package does not depend on (Container Apps jobs, user-assigned identities). Wire-level on purpose: the
// tests read status codes and error bodies as a client would receive them.
import type { TokenCredential } from "@azure/core-auth";
import { armScope, type SandboxCloud } from "../index.ts";

export const JOBS_API_VERSION = "2026-07-01";
export const IDENTITY_API_VERSION = "2023-01-31";

export interface ArmResponse {
  status: number;
  body: Record<string, unknown>;
}

export function armRequests(cloud: SandboxCloud, credential: TokenCredential) {
  return async (
    method: string,
    path: string,
    body?: unknown,
    apiVersion = JOBS_API_VERSION,
  ): Promise<ArmResponse> => {
    const token = await credential.getToken(armScope);
    const separator = path.includes("?") ? "&" : "?";
    const response = await fetch(`${cloud.url}${path}${separator}api-version=${apiVersion}`, {
      method,
      headers: { authorization: `Bearer ${token?.token}`, "content-type": "application/json" },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return {
      status: response.status,
      body: text === "" ? {} : (JSON.parse(text) as Record<string, unknown>),
    };
  };
}
