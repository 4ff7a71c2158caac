// An agent in Azure reads its own secret from Key Vault as the agent job's managed identity: here a
// sandbox vault, and principals the sandbox knows standing in for that identity (one allowed to read, one
// not). A refusal is retried while a new role may still be propagating, then reported as access denied.
import { randomBytes, randomUUID } from "node:crypto";
import {
  createSandboxKeyVault,
  type SandboxCloud,
  SandboxCredential,
  startSandboxCloud,
} from "@haymaker/sandbox-cloud";
import { keyVaultSecretStore } from "@haymaker/stores";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OwnSecretError, readOwnSecret } from "./own-secret.ts";

let sandbox: SandboxCloud;
let secretId: string;
const credentialOf = (clientId: string, clientSecret: string) =>
  new SandboxCredential({ authorityHost: sandbox.url, tenantId: sandbox.tenantId, clientId, clientSecret });
const principal = () => {
  const registration = { clientId: randomUUID(), secret: randomBytes(24).toString("base64url") };
  sandbox.registerPrincipal({ ...registration, subscriptionScopes: [] });
  return { ...registration, credential: credentialOf(registration.clientId, registration.secret) };
};
let reader: ReturnType<typeof principal>;
let stranger: ReturnType<typeof principal>;
const VALUE = `agent-secret-${randomBytes(16).toString("hex")}`;

beforeAll(async () => {
  sandbox = await startSandboxCloud();
  const officer = principal();
  reader = principal();
  stranger = principal();
  const vault = await createSandboxKeyVault(sandbox, {
    name: "kv-agent-own",
    officers: [officer.clientId],
    users: [reader.clientId],
  });
  secretId = await keyVaultSecretStore(new URL(vault.vaultUri).origin, officer.credential).put(
    "haymaker-run-own-a01",
    VALUE,
  );
});
afterAll(async () => {
  await sandbox?.close();
});

describe("an agent reading its own secret", () => {
  it("reads it with the identity allowed to, given only where it is", async () => {
    const pointer = { secretId, managedIdentityClientId: reader.clientId };
    await expect(
      readOwnSecret(pointer, { propagationEndsAt: 0, credential: reader.credential }),
    ).resolves.toBe(VALUE);
  });

  it("waits out a refusal while a role may still be propagating, then calls it access denied, without the value", async () => {
    const pointer = { secretId, managedIdentityClientId: stranger.clientId };
    const began = Date.now();
    const attempt = readOwnSecret(pointer, {
      propagationEndsAt: began + 2_500,
      credential: stranger.credential,
    });
    await expect(attempt).rejects.toBeInstanceOf(OwnSecretError);
    await expect(attempt).rejects.toMatchObject({ accessDenied: true });
    // At least one retry (1 s, then 2 s would pass the window's end) before it gave up.
    expect(Date.now() - began).toBeGreaterThanOrEqual(1_000);
    await attempt.catch((error: Error) => expect(error.message).not.toContain(VALUE));
  });

  it("stops waiting out a refusal when asked to stop, as a stop rather than access denied", async () => {
    const pointer = { secretId, managedIdentityClientId: stranger.clientId };
    const stop = new AbortController();
    const began = Date.now();
    const attempt = readOwnSecret(pointer, {
      propagationEndsAt: began + 60_000,
      credential: stranger.credential,
      stop: stop.signal,
    });
    setTimeout(() => stop.abort(), 200);
    await expect(attempt).rejects.toMatchObject({
      name: "OwnSecretError",
      stopped: true,
      accessDenied: false,
    });
    // Cut short, not after the 1 s wait it was in.
    expect(Date.now() - began).toBeLessThan(900);
  });

  it("tells a secret that is not there from a refusal", async () => {
    const pointer = { secretId: `${secretId}-gone`, managedIdentityClientId: reader.clientId };
    const attempt = readOwnSecret(pointer, {
      propagationEndsAt: Date.now() + 60_000,
      credential: reader.credential,
    });
    await expect(attempt).rejects.toMatchObject({ name: "OwnSecretError", accessDenied: false });
  });
});
