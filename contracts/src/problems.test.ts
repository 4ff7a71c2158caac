import { describe, expect, it } from "vitest";
import { describeValue } from "./problems.ts";
import { looksLikeSecret } from "./secrets.ts";

describe("describeValue", () => {
  it("quotes short strings and cuts long ones to 64 characters", () => {
    expect(describeValue("8 hours")).toBe('"8 hours"');
    const long = "a".repeat(500);
    expect(describeValue(long)).toBe(`"${"a".repeat(64)}"... (500 characters)`);
  });

  it("never shows values that look like secrets or sit in secret-named fields", () => {
    expect(describeValue("DefaultEndpointsProtocol=https;AccountName=x;AccountKey=abc==")).toBe(
      "a string of 61 characters (not shown)",
    );
    expect(describeValue("plain", "secretRef")).toBe("a string of 5 characters (not shown)");
    expect(describeValue(1234, "apiKey")).toBe("a number");
  });

  it("summarizes non-strings", () => {
    expect(describeValue(42)).toBe("42");
    expect(describeValue(null)).toBe("null");
    expect(describeValue([1, 2])).toBe("an array of 2 items");
    expect(describeValue({ a: 1 })).toBe("an object");
    expect(describeValue(new Date(0))).toBe("a Date");
    expect(describeValue(new Uint8Array(3))).toBe("3 bytes");
    expect(describeValue(undefined)).toBe("undefined");
  });
});

describe("looksLikeSecret", () => {
  it.each([
    "Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=root;SharedAccessKey=abc",
    "DefaultEndpointsProtocol=https;AccountName=x;AccountKey=Zm9vYmFy",
    "https://acct.blob.core.windows.net/c/b?sv=2024-01-01&sig=AbCdEfGhIjKlMnOpQrStUv%3D",
    "Server=x;User Id=sa;Password=P@ssw0rd;",
    "abc8Q~abcdefghijklmnopqrstuvwxyz0123456",
    "Authorization: Bearer eyJhbGciOiJSUzI1NiJ9.eyJhdWQiOiJodHRwczovL21hbmFnZW1lbnQifQ.c2ln",
    "-----BEGIN RSA PRIVATE KEY-----",
  ])("flags %s", (text) => {
    expect(looksLikeSecret(text)).toBe(true);
  });

  it.each([
    "created storage account hmk3f9a01",
    "rotating blob tiers (signature check passed)",
    "password policy updated for the scenario's test user",
    "Bearer token expired; retrying",
  ])("lets %s through", (text) => {
    expect(looksLikeSecret(text)).toBe(false);
  });
});
