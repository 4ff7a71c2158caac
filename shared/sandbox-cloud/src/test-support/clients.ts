// Test helpers: the real SDK clients, pointed at a sandbox the way HayMaker's adapters point them.

import { AuthorizationManagementClient } from "@azure/arm-authorization";
import { MonitorClient } from "@azure/arm-monitor";
import { ResourceManagementClient } from "@azure/arm-resources";
import type { TokenCredential } from "@azure/core-auth";
import { createDefaultHttpClient, createPipelineRequest, type HttpMethods } from "@azure/core-rest-pipeline";
import { Client, type Context, HTTPMessageHandler, type Middleware } from "@microsoft/microsoft-graph-client";
import {
  graphScope,
  type SandboxCloud,
  SandboxCredential,
  sandboxArmClientOptions,
  useSandboxAuthentication,
} from "../index.ts";

export function credential(cloud: SandboxCloud, clientId: string, clientSecret: string): SandboxCredential {
  return new SandboxCredential({
    authorityHost: cloud.url,
    tenantId: cloud.tenantId,
    clientId,
    clientSecret,
  });
}

// Tests that expect failures must see them at once, not after the SDK's retries and backoff.
const noRetries = { retryOptions: { maxRetries: 0 } };

export function resourcesClient(
  cloud: SandboxCloud,
  cred: TokenCredential,
  subscriptionId = cloud.subscriptionId,
) {
  return useSandboxAuthentication(
    new ResourceManagementClient(cred, subscriptionId, {
      ...sandboxArmClientOptions(cloud.url),
      ...noRetries,
    }),
    cred,
  );
}

export function authorizationClient(cloud: SandboxCloud, cred: TokenCredential) {
  return useSandboxAuthentication(
    new AuthorizationManagementClient(cred, cloud.subscriptionId, {
      ...sandboxArmClientOptions(cloud.url),
      ...noRetries,
    }),
    cred,
  );
}

export function monitorClient(cloud: SandboxCloud, cred: TokenCredential) {
  return useSandboxAuthentication(
    new MonitorClient(cred, cloud.subscriptionId, { ...sandboxArmClientOptions(cloud.url), ...noRetries }),
    cred,
  );
}

/**
 * The Graph client setup that works against the sandbox: a custom middleware chain whose first link
 * puts the bearer token on. The SDK's own AuthenticationHandler signs only https URLs (customHosts
 * included), so it would send the sandbox's http requests unauthenticated.
 */
export function graphClient(cloud: SandboxCloud, cred: TokenCredential): Client {
  let next: Middleware | undefined;
  const bearer: Middleware = {
    async execute(context: Context) {
      const token = await cred.getToken(graphScope);
      if (token === null) throw new Error("no token");
      const headers = new Headers(context.options?.headers as ConstructorParameters<typeof Headers>[0]);
      headers.set("Authorization", `Bearer ${token.token}`);
      context.options = { ...context.options, headers };
      await next?.execute(context);
    },
    setNext(middleware) {
      next = middleware;
    },
  };
  return Client.initWithMiddleware({
    baseUrl: `${cloud.url}/`,
    middleware: [bearer, new HTTPMessageHandler()],
  });
}

/**
 * Sends a request through an ARM client's own pipeline (its authentication, no retries): how HayMaker's
 * agent lists nested collections and runs resource actions, which the generic client has no call for.
 */
export async function sendThroughPipeline(
  cloud: SandboxCloud,
  client: ResourceManagementClient,
  method: HttpMethods,
  path: string,
): Promise<{ status: number; body: unknown }> {
  const request = createPipelineRequest({
    url: `${cloud.url}${path}`,
    method,
    allowInsecureConnection: true,
  });
  const response = await client.pipeline.sendRequest(createDefaultHttpClient(), request);
  return { status: response.status, body: response.bodyAsText ? JSON.parse(response.bodyAsText) : undefined };
}

/** Remembers the status of the first response an SDK call got: a long-running call's initial answer. */
export function firstResponse(): { onResponse: (response: { status: number }) => void; status?: number } {
  const seen: { onResponse: (response: { status: number }) => void; status?: number } = {
    onResponse: (response) => {
      seen.status ??= response.status;
    },
  };
  return seen;
}

export async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of iterable) items.push(item);
  return items;
}

/** Resolves to what a rejected promise threw, or fails when it resolves. */
export async function failure(promise: Promise<unknown>): Promise<Record<string, unknown>> {
  try {
    await promise;
  } catch (error) {
    return error as Record<string, unknown>;
  }
  throw new Error("expected the call to fail");
}
