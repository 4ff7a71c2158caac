import { ConfigError } from "@haymaker/config";
import { describe, expect, it } from "vitest";
import { entraSettingsFromEnv } from "./entra-config.ts";

const TENANT = "8F0A2C9E-1B7D-4C3A-9E55-2D6F0B1A7C44";

function problemsOf(env: Record<string, string>): readonly string[] {
  try {
    entraSettingsFromEnv("gateway", env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error("expected a ConfigError");
}

describe("Entra settings from the environment", () => {
  it("are off when neither tenant nor audience is set, even as empty strings", () => {
    expect(entraSettingsFromEnv("gateway", {})).toBeUndefined();
    expect(
      entraSettingsFromEnv("gateway", { HAYMAKER_ENTRA_TENANT_ID: "", HAYMAKER_ENTRA_AUDIENCE: " " }),
    ).toBeUndefined();
  });

  it("are on with both, with the audiences split and the public cloud as the default authority", () => {
    expect(
      entraSettingsFromEnv("gateway", {
        HAYMAKER_ENTRA_TENANT_ID: TENANT,
        HAYMAKER_ENTRA_AUDIENCE: "api://haymaker-gateway, 3c1f6d2a-5e8b-4a90-b7c1-9d2e4f6a8b10",
      }),
    ).toEqual({
      tenantId: TENANT.toLowerCase(),
      audiences: ["api://haymaker-gateway", "3c1f6d2a-5e8b-4a90-b7c1-9d2e4f6a8b10"],
      authorityHost: "https://login.microsoftonline.com",
    });
  });

  it("take another cloud's authority, without its trailing slash", () => {
    const settings = entraSettingsFromEnv("gateway", {
      HAYMAKER_ENTRA_TENANT_ID: TENANT,
      HAYMAKER_ENTRA_AUDIENCE: "api://haymaker-gateway",
      HAYMAKER_ENTRA_AUTHORITY_HOST: "https://login.microsoftonline.us/",
    });
    expect(settings?.authorityHost).toBe("https://login.microsoftonline.us");
  });

  it("refuse one of tenant and audience without the other, naming both", () => {
    const halves: Record<string, string>[] = [
      { HAYMAKER_ENTRA_TENANT_ID: TENANT },
      { HAYMAKER_ENTRA_AUDIENCE: "api://haymaker" },
    ];
    for (const env of halves) {
      const [problem] = problemsOf(env);
      expect(problem).toContain("HAYMAKER_ENTRA_TENANT_ID");
      expect(problem).toContain("HAYMAKER_ENTRA_AUDIENCE");
    }
  });

  it("refuse a tenant that is no GUID, an empty audience entry and a plain-http or pathful authority", () => {
    const problems = problemsOf({
      HAYMAKER_ENTRA_TENANT_ID: "contoso.onmicrosoft.com",
      HAYMAKER_ENTRA_AUDIENCE: "api://haymaker,,",
      HAYMAKER_ENTRA_AUTHORITY_HOST: "http://login.example.com",
    });
    expect(problems.map((problem) => problem.split(":")[0])).toEqual([
      "HAYMAKER_ENTRA_TENANT_ID",
      "HAYMAKER_ENTRA_AUDIENCE",
      "HAYMAKER_ENTRA_AUTHORITY_HOST",
    ]);
    expect(problemsOf({ HAYMAKER_ENTRA_AUTHORITY_HOST: "https://login.example.com/tenant" })).toHaveLength(1);
  });

  it("allow plain http on loopback, where the sandbox's authority runs", () => {
    const settings = entraSettingsFromEnv("gateway", {
      HAYMAKER_ENTRA_TENANT_ID: TENANT,
      HAYMAKER_ENTRA_AUDIENCE: "api://haymaker-gateway",
      HAYMAKER_ENTRA_AUTHORITY_HOST: "http://127.0.0.1:4010",
    });
    expect(settings?.authorityHost).toBe("http://127.0.0.1:4010");
  });
});
