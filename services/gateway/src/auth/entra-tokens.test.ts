import { SignJWT, UnsecuredJWT } from "jose";
import { afterEach, describe, expect, it } from "vitest";
import {
  newSigningKey,
  startTestAuthority,
  TEST_AUDIENCE,
  TEST_CLIENT_ID,
  TEST_TENANT,
  type TestAuthority,
} from "./entra-test-authority.ts";
import { EntraTokenVerifier, looksLikeJwt } from "./entra-tokens.ts";

const started: TestAuthority[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((authority) => authority.close()));
});

async function setup(options: { jwksCooldownMs?: number } = {}) {
  const authority = await startTestAuthority();
  started.push(authority);
  const logged: { message: string; fields: Record<string, unknown> }[] = [];
  const verifier = new EntraTokenVerifier(authority.settings, {
    log: (message, fields) => logged.push({ message, fields }),
    ...options,
  });
  return { authority, verifier, logged };
}

async function problemOf(verifier: EntraTokenVerifier, token: string): Promise<string> {
  const result = await verifier.verify(token);
  if (result.status !== "invalid") throw new Error(`expected an invalid token, got ${result.status}`);
  expect(result.problem).not.toContain(token);
  return result.problem;
}

describe("EntraTokenVerifier accepts", () => {
  it("a v2 user token, naming the user and taking the role from the app roles", async () => {
    const { authority, verifier } = await setup();
    expect(await verifier.verify(await authority.token())).toEqual({
      status: "valid",
      identity: {
        id: "5d3e1a0b-7c2f-4e8d-a6b9-1f0c3e5d7a92",
        name: "alice@contoso.example",
        role: "reader",
      },
    });
  });

  it("a v1 token (sts issuer, upn) for the client id, with the highest role it carries", async () => {
    const { authority, verifier } = await setup();
    const v1Issuer = verifier.issuers.find((issuer) => !issuer.endsWith("/v2.0"));
    const token = await authority.token({
      iss: v1Issuer,
      aud: TEST_CLIENT_ID,
      preferred_username: undefined,
      upn: "bob@contoso.example",
      roles: ["HayMaker.Admin", "HayMaker.Reader", "Something.Else"],
    });
    expect(await verifier.verify(token)).toMatchObject({
      status: "valid",
      identity: { name: "bob@contoso.example", role: "admin" },
    });
  });

  it("an application token, named by its client id (azp in v2, appid in v1)", async () => {
    const { authority, verifier } = await setup();
    const app = { preferred_username: undefined, roles: ["HayMaker.Operator"] };
    expect(await verifier.verify(await authority.token({ ...app, azp: "app-v2-client" }))).toMatchObject({
      identity: { name: "app-v2-client", role: "operator" },
    });
    expect(await verifier.verify(await authority.token({ ...app, appid: "app-v1-client" }))).toMatchObject({
      identity: { name: "app-v1-client", role: "operator" },
    });
  });

  it("a valid token without any HayMaker app role, with no role", async () => {
    const { authority, verifier } = await setup();
    const result = await verifier.verify(await authority.token({ roles: ["Other.App.Role"] }));
    expect(result).toMatchObject({ status: "valid", identity: { role: undefined } });
  });

  it("a token that expired a few seconds ago, within the clock tolerance", async () => {
    const { authority, verifier } = await setup();
    const now = Math.floor(Date.now() / 1000);
    const token = await authority.token({ iat: now - 3600, nbf: now - 3600, exp: now - 20 });
    expect((await verifier.verify(token)).status).toBe("valid");
  });
});

describe("EntraTokenVerifier refuses", () => {
  it("an expired token, and one not valid yet", async () => {
    const { authority, verifier } = await setup();
    const now = Math.floor(Date.now() / 1000);
    expect(await problemOf(verifier, await authority.token({ exp: now - 600 }))).toBe(
      "the token has expired",
    );
    expect(await problemOf(verifier, await authority.token({ nbf: now + 600 }))).toBe(
      "the token is not valid yet",
    );
  });

  it("a token for another API", async () => {
    const { authority, verifier } = await setup();
    expect(await problemOf(verifier, await authority.token({ aud: "https://management.azure.com" }))).toBe(
      "the token is not for this API (audience)",
    );
  });

  it("a token from another issuer or for another tenant", async () => {
    const { authority, verifier } = await setup();
    const otherTenant = "0e9d8c7b-6a5f-4e3d-2c1b-0a9f8e7d6c5b";
    const issuedElsewhere = await authority.token({
      iss: `https://login.microsoftonline.com/${otherTenant}/v2.0`,
    });
    expect(await problemOf(verifier, issuedElsewhere)).toBe(
      "the token was not issued by this tenant (issuer)",
    );
    expect(await problemOf(verifier, await authority.token({ tid: otherTenant }))).toBe(
      "the token was issued for another tenant (tid)",
    );
    expect(await problemOf(verifier, await authority.token({ tid: undefined }))).toBe(
      "the token lacks the tid claim",
    );
  });

  it("a token signed by a key the tenant does not hold, even under a published key id", async () => {
    const { authority, verifier } = await setup();
    const impostor = await newSigningKey("key-1");
    expect(await problemOf(verifier, await authority.token({}, { key: impostor }))).toBe(
      "the token's signature is not valid",
    );
  });

  it("unsigned (alg none) and HS256 tokens, without fetching any key", async () => {
    const { authority, verifier } = await setup();
    const claims = { iss: verifier.issuers[0], aud: TEST_AUDIENCE, tid: TEST_TENANT, oid: "x" };
    const unsigned = new UnsecuredJWT(claims).setExpirationTime("1h").encode();
    expect(looksLikeJwt(unsigned)).toBe(true);
    expect(await problemOf(verifier, unsigned)).toBe("the token is not signed with RS256");
    const hmac = await new SignJWT(claims)
      .setProtectedHeader({ alg: "HS256", kid: "key-1" })
      .setExpirationTime("1h")
      .sign(new TextEncoder().encode("a-shared-secret-anyone-could-know-32b"));
    expect(await problemOf(verifier, hmac)).toBe("the token is not signed with RS256");
    expect(authority.jwksFetches()).toBe(0);
  });

  it("a token that does not name its caller, and one that is not a JWT at all", async () => {
    const { authority, verifier } = await setup();
    expect(await problemOf(verifier, await authority.token({ oid: undefined }))).toBe(
      "the token lacks the oid claim",
    );
    expect(await problemOf(verifier, "abc.def.ghi")).toBe("the token is malformed");
  });
});

describe("EntraTokenVerifier and the tenant's signing keys", () => {
  it("fetches the keys once, and again for an unknown key id so a rotated key works at once", async () => {
    const { authority, verifier } = await setup({ jwksCooldownMs: 0 });
    expect((await verifier.verify(await authority.token())).status).toBe("valid");
    expect((await verifier.verify(await authority.token())).status).toBe("valid");
    expect(authority.jwksFetches()).toBe(1);

    const rotated = await newSigningKey("key-2");
    authority.publish([rotated]);
    expect((await verifier.verify(await authority.token({}, { key: rotated }))).status).toBe("valid");
    expect(authority.jwksFetches()).toBe(2);

    // A key id the tenant still does not publish after that one refresh is the token's problem.
    const unknown = await newSigningKey("key-never-published");
    expect(await problemOf(verifier, await authority.token({}, { key: unknown }))).toBe(
      "the token is not signed with a key the tenant publishes",
    );
    expect(authority.jwksFetches()).toBe(3);
  });

  it("does not fetch again for unknown key ids right after a fetch, so forged ids cannot flood Entra", async () => {
    const { authority, verifier } = await setup();
    expect((await verifier.verify(await authority.token())).status).toBe("valid");
    const unknown = await newSigningKey("forged-kid");
    for (let i = 0; i < 3; i++) {
      expect((await verifier.verify(await authority.token({}, { key: unknown }))).status).toBe("invalid");
    }
    expect(authority.jwksFetches()).toBe(1);
  });

  it("answers unavailable, and logs why without the token, when the keys cannot be fetched", async () => {
    const { authority, verifier, logged } = await setup();
    authority.failWith(500);
    const token = await authority.token();
    expect(await verifier.verify(token)).toEqual({ status: "unavailable" });
    await authority.close();
    expect(await verifier.verify(token)).toEqual({ status: "unavailable" });
    expect(logged).toHaveLength(2);
    expect(logged[0]?.fields.jwksUrl).toBe(
      `${authority.settings.authorityHost}/${TEST_TENANT}/discovery/v2.0/keys`,
    );
    expect(String(logged[1]?.fields.reason)).toMatch(/ECONNREFUSED/);
    expect(JSON.stringify(logged)).not.toContain(token.split(".")[2]);
  });
});

describe("issuers and token shapes", () => {
  it("accepts the v2 and the v1 issuer of the public cloud", () => {
    const verifier = new EntraTokenVerifier(
      {
        tenantId: TEST_TENANT,
        audiences: [TEST_AUDIENCE],
        authorityHost: "https://login.microsoftonline.com",
      },
      { log: () => {} },
    );
    expect(verifier.issuers).toEqual([
      `https://login.microsoftonline.com/${TEST_TENANT}/v2.0`,
      `https://sts.windows.net/${TEST_TENANT}/`,
    ]);
  });

  it("tells JWTs from API keys and other strings", () => {
    expect(looksLikeJwt("eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln")).toBe(true);
    expect(looksLikeJwt("hm_0123456789ab_secret")).toBe(false);
    expect(looksLikeJwt("a.b")).toBe(false);
    expect(looksLikeJwt("a.b.c.d")).toBe(false);
  });
});
