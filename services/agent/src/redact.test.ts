import { describe, expect, it } from "vitest";
import { connectionStringKey, redactorFor } from "./redact.ts";

describe("redaction", () => {
  it("replaces every occurrence of every secret, longest first", () => {
    const redact = redactorFor(["abcdefgh12345678", "abcdefgh", undefined]);
    expect(redact("x abcdefgh12345678 y abcdefgh z")).toBe("x [redacted] y [redacted] z");
  });

  it("leaves text alone when there is no secret long enough to match safely", () => {
    expect(redactorFor(["abc", ""])("abc def")).toBe("abc def");
  });

  it("finds the key in a Service Bus connection string", () => {
    expect(
      connectionStringKey(
        "Endpoint=sb://localhost/;SharedAccessKeyName=root;SharedAccessKey=k3y-v4lue=;Other=1",
      ),
    ).toBe("k3y-v4lue=");
    expect(connectionStringKey(undefined)).toBeUndefined();
  });
});
