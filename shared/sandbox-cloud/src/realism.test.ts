import { describe, expect, it } from "vitest";
import { AZURE_REALISM, NO_REALISM, realismWith } from "./realism.ts";
import { startSandboxCloud } from "./server.ts";

describe("sandbox realism settings", () => {
  it("is off unless asked for, and a sandbox says which behaviours it reproduces", async () => {
    const plain = await startSandboxCloud();
    const azure = await startSandboxCloud({ realism: AZURE_REALISM });
    try {
      expect(plain.realism).toEqual(NO_REALISM);
      expect(azure.realism).toEqual(AZURE_REALISM);
    } finally {
      await plain.close();
      await azure.close();
    }
  });

  it("refuses settings that make no sense, naming each", () => {
    expect(() =>
      realismWith({
        replicationDelayMs: -1,
        keyVaultOperationDelayMs: -1,
        directoryObjectQuota: 0,
        throttling: { requests: 0, windowMs: 1 },
      }),
    ).toThrow(
      /replicationDelayMs must be 0 or more.*keyVaultOperationDelayMs must be 0 or more.*directoryObjectQuota.*throttling needs/,
    );
    expect(realismWith({ keyVaultSoftDelete: true })).toEqual({ ...NO_REALISM, keyVaultSoftDelete: true });
  });
});
