// For tests: a stand-in Entra authority on loopback that publishes a tenant's signing keys (JWKS) the way
// login.microsoftonline.com does, and signs access tokens with them. Keys can be rotated and the server
// stopped, to test key rollover and an unreachable authority.
import { once } from "node:events";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { type CryptoKey, exportJWK, generateKeyPair, type JWK, type JWTPayload, SignJWT } from "jose";
import type { EntraSettings } from "./entra-config.ts";

export const TEST_TENANT = "8f0a2c9e-1b7d-4c3a-9e55-2d6f0b1a7c44";
export const TEST_AUDIENCE = "api://haymaker-gateway";
export const TEST_CLIENT_ID = "3c1f6d2a-5e8b-4a90-b7c1-9d2e4f6a8b10";

export interface SigningKey {
  kid: string;
  privateKey: CryptoKey;
  publicJwk: JWK;
}

export async function newSigningKey(kid: string): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair("RS256", { extractable: true });
  return { kid, privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg: "RS256", use: "sig" } };
}

export interface TestAuthority {
  settings: EntraSettings;
  /** How many times the signing keys were fetched. */
  jwksFetches(): number;
  /** Publishes exactly these keys from now on. */
  publish(keys: SigningKey[]): void;
  /** Answers the keys request with this status instead of the keys (undefined: answer normally). */
  failWith(status: number | undefined): void;
  /** An access token as Entra issues it for the tenant and audience; `claims` override or add claims. */
  token(claims?: JWTPayload, options?: { key?: SigningKey; lifetimeSeconds?: number }): Promise<string>;
  close(): Promise<void>;
}

export async function startTestAuthority(): Promise<TestAuthority> {
  const first = await newSigningKey("key-1");
  let published = [first];
  let fetches = 0;
  let failure: number | undefined;
  const server: Server = createServer((request, response) => {
    if (request.url !== `/${TEST_TENANT}/discovery/v2.0/keys`) {
      response.writeHead(404).end();
      return;
    }
    fetches++;
    if (failure !== undefined) {
      response.writeHead(failure, { "content-type": "application/json" }).end('{"error":"unavailable"}');
      return;
    }
    response
      .writeHead(200, { "content-type": "application/json" })
      .end(JSON.stringify({ keys: published.map((key) => key.publicJwk) }));
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const authorityHost = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  let closed = false;
  return {
    settings: { tenantId: TEST_TENANT, audiences: [TEST_AUDIENCE, TEST_CLIENT_ID], authorityHost },
    jwksFetches: () => fetches,
    publish: (keys) => {
      published = keys;
    },
    failWith: (status) => {
      failure = status;
    },
    token: async (claims = {}, options = {}) => {
      const key = options.key ?? first;
      const now = Math.floor(Date.now() / 1000);
      return new SignJWT({
        iss: `${authorityHost}/${TEST_TENANT}/v2.0`,
        aud: TEST_AUDIENCE,
        tid: TEST_TENANT,
        oid: "5d3e1a0b-7c2f-4e8d-a6b9-1f0c3e5d7a92",
        preferred_username: "alice@contoso.example",
        roles: ["HayMaker.Reader"],
        iat: now,
        nbf: now,
        exp: now + (options.lifetimeSeconds ?? 3600),
        ...claims,
      })
        .setProtectedHeader({ alg: "RS256", typ: "JWT", kid: key.kid })
        .sign(key.privateKey);
    },
    close: async () => {
      if (closed) return;
      closed = true;
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
