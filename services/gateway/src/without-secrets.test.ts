import { describe, expect, it } from "vitest";
import { withHiddenSecretsRestored, withoutSecrets } from "./without-secrets.ts";

describe("withoutSecrets", () => {
  it("leaves out secret-bearing fields at any depth, keeping yes/no and counts under such names", () => {
    const event = {
      type: "identity.provisioned",
      data: {
        secretRef: "https://kv.vault.azure.net/secrets/a",
        identity: { appId: "x", clientSecret: "s3cr3t" },
        agents: [{ agentId: "a01", secretRef: "local:a01", secretDeleted: true }],
        tokenCount: 3,
      },
    };
    expect(withoutSecrets(event)).toEqual({
      type: "identity.provisioned",
      data: { identity: { appId: "x" }, agents: [{ agentId: "a01", secretDeleted: true }], tokenCount: 3 },
    });
    expect(event.data.secretRef).toBeDefined();
  });
});

describe("withHiddenSecretsRestored", () => {
  it("puts back the secret-bearing fields an edit could not see, and nothing else it dropped", () => {
    const original = { secretRef: "local:a01", note: "old", nested: { password: "p", keep: 1 } };
    const edited = { note: "new", nested: { keep: 2 } };
    expect(withHiddenSecretsRestored(edited, original)).toEqual({
      secretRef: "local:a01",
      note: "new",
      nested: { password: "p", keep: 2 },
    });
    expect(withHiddenSecretsRestored({ secretRef: "chosen" }, original)).toEqual({ secretRef: "chosen" });
  });
});
