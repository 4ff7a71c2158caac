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

  it("puts back what items of a list hid, following each item whether moved, removed or changed in place", () => {
    const original = {
      agents: [
        { agentId: "a01", secretRef: "local:r-a01" },
        { agentId: "a02", secretRef: "local:r-a02" },
        { agentId: "a03", secretRef: "local:r-a03" },
      ],
    };
    // As the admin saw it, a02 removed, a03 moved first and a01 changed in place.
    const edited = { agents: [{ agentId: "a03" }, { agentId: "a01", note: "retry" }] };
    expect(withHiddenSecretsRestored(edited, original)).toEqual({
      agents: [
        { agentId: "a03", secretRef: "local:r-a03" },
        { agentId: "a01", note: "retry", secretRef: "local:r-a01" },
      ],
    });
    // An item that cannot be told to come from one original item gets nothing put back.
    const twins = {
      agents: [
        { kind: "x", secretRef: "local:1" },
        { kind: "x", secretRef: "local:2" },
      ],
    };
    expect(withHiddenSecretsRestored({ agents: [{ kind: "x", note: "n" }] }, twins)).toEqual({
      agents: [{ kind: "x", note: "n" }],
    });
  });
});
