import { describe, expect, it } from "vitest";
import { isSensitiveField, looksLikeSecret, redactSecrets } from "./secrets.ts";

const JWT = "eyJhbGciOiJSUzI1NiJ9.eyJhdWQiOiJodHRwczovL21hbmFnZW1lbnQifQ.c2lnbmF0dXJl";
const API_KEY = `hm_0123456789ab_${"A".repeat(43)}`;

describe("redactSecrets", () => {
  it.each([
    [
      "connect failed: Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=root;SharedAccessKey=c2VjcmV0a2V5;EntityPath=x",
      "connect failed: Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=root;SharedAccessKey=[redacted];EntityPath=x",
      "c2VjcmV0a2V5",
    ],
    [
      "DefaultEndpointsProtocol=https;AccountName=x;AccountKey=Zm9vYmFyYmF6==;EndpointSuffix=core.windows.net",
      "DefaultEndpointsProtocol=https;AccountName=x;AccountKey=[redacted];EndpointSuffix=core.windows.net",
      "Zm9vYmFyYmF6",
    ],
    [
      "GET https://acct.blob.core.windows.net/c/b?sv=2024-01-01&sig=AbCdEfGhIjKlMnOpQrStUv%3D&se=2030 failed",
      "GET https://acct.blob.core.windows.net/c/b?sv=2024-01-01&sig=[redacted]&se=2030 failed",
      "AbCdEfGhIjKlMnOpQrStUv",
    ],
    [
      "put-token SharedAccessSignature sr=amqp%3A%2F%2Fns%2Ft&sig=QWxhZGRpbjpvcGVuIHNlc2FtZQ&se=1&skn=root refused",
      "put-token SharedAccessSignature [redacted] refused",
      "QWxhZGRpbjpvcGVu",
    ],
    [
      "spawned with HAYMAKER_CLIENT_SECRET=s3cr3t-Value and AZURE_CLIENT_SECRET=other",
      "spawned with HAYMAKER_CLIENT_SECRET=[redacted] and AZURE_CLIENT_SECRET=[redacted]",
      "s3cr3t-Value",
    ],
    [
      "token request grant_type=client_credentials&client_id=abc&client_secret=pl41n&scope=x",
      "token request grant_type=client_credentials&client_id=abc&client_secret=[redacted]&scope=x",
      "pl41n",
    ],
    ["Server=x;User Id=sa;Password=P@ssw0rd;", "Server=x;User Id=sa;Password=[redacted];", "P@ssw0rd"],
    [
      "secret abc8Q~abcdefghijklmnopqrstuvwxyz0123456 rejected",
      "secret [redacted] rejected",
      "abcdefghijklmnop",
    ],
    [`Authorization: Bearer ${JWT}`, "Authorization: Bearer [redacted]", "c2lnbmF0dXJl"],
    [`token ${JWT} expired`, "token [redacted] expired", "eyJhdWQ"],
    [`key ${API_KEY} unknown`, "key [redacted] unknown", API_KEY],
    [
      "-----BEGIN RSA PRIVATE KEY-----\nMIIEow\n-----END RSA PRIVATE KEY----- after",
      "[redacted] after",
      "MIIEow",
    ],
  ])("cuts the secret out of %s", (text, redacted, secret) => {
    expect(looksLikeSecret(text)).toBe(true);
    expect(redactSecrets(text)).toBe(redacted);
    expect(redactSecrets(text)).not.toContain(secret);
    expect(looksLikeSecret(redactSecrets(text))).toBe(false);
  });

  it("cuts secrets out of a JSON log line without breaking it", () => {
    const line = JSON.stringify({
      msg: "send failed: Endpoint=sb://x/;SharedAccessKeyName=a;SharedAccessKey=abc123==",
      stack: `Error: at Bearer ${JWT}\n    at x`,
    });
    const parsed = JSON.parse(redactSecrets(line)) as Record<string, string>;
    expect(parsed.msg).toBe("send failed: Endpoint=sb://x/;SharedAccessKeyName=a;SharedAccessKey=[redacted]");
    expect(parsed.stack).toBe("Error: at Bearer [redacted]\n    at x");
  });

  it.each([
    "created storage account hmk3f9a01",
    "rotating blob tiers (signature check passed)",
    "password policy updated for the scenario's test user",
    "Bearer token expired; retrying",
    "HAYMAKER_CLIENT_SECRET: must not be empty",
    "GET /subscriptions/x/resourceGroups?$skiptoken=abc123def456 answered 500",
  ])("leaves %s as it is", (text) => {
    expect(looksLikeSecret(text)).toBe(false);
    expect(redactSecrets(text)).toBe(text);
  });
});

describe("isSensitiveField", () => {
  it.each([
    "HAYMAKER_CLIENT_SECRET",
    "clientSecret",
    "SharedAccessKey",
    "AccountKey",
    "sig",
    "key",
    "api-key",
    "HAYMAKER_SERVICEBUS_CONNECTION_STRING",
    "HAYMAKER_COSMOS_KEY",
    "authorization",
    "password",
  ])("flags %s", (name) => expect(isSensitiveField(name)).toBe(true));

  it.each(["service", "runId", "keyVaultName", "monkey", "partitionKey", "signal", "description"])(
    "lets %s through",
    (name) => expect(isSensitiveField(name)).toBe(false),
  );
});
