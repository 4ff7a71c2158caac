import { describe, expect, it } from "vitest";
import { parseGraphPath } from "./path.ts";

const id = "0f8fad5b-d9cb-469f-a165-70867728950e";

describe("parseGraphPath", () => {
  it("addresses objects by id or appId and accepts qualified action names", () => {
    expect(parseGraphPath("/v1.0/applications")).toEqual({ kind: "applications" });
    expect(parseGraphPath(`/v1.0/applications/${id}`)).toEqual({ kind: "application", key: { id } });
    expect(parseGraphPath("/v1.0/applications(appId='app-1')")).toEqual({
      kind: "application",
      key: { appId: "app-1" },
    });
    expect(parseGraphPath(`/v1.0/Applications/${id}/microsoft.graph.addPassword`)).toEqual({
      kind: "application",
      key: { id },
      action: "addPassword",
    });
    expect(parseGraphPath("/v1.0/servicePrincipals(appId='app-1')")).toEqual({
      kind: "servicePrincipal",
      key: { appId: "app-1" },
    });
    expect(parseGraphPath("/v1.0/auditLogs/directoryAudits")).toEqual({ kind: "directoryAudits" });
  });

  it("names the segment it does not serve", () => {
    expect(parseGraphPath("/v1.0/users")).toEqual({ kind: "unknown", segment: "users" });
    expect(parseGraphPath(`/v1.0/applications/${id}/owners`)).toEqual({ kind: "unknown", segment: "owners" });
    expect(parseGraphPath("/beta/applications")).toEqual({ kind: "unknown", segment: "applications" });
  });

  it("refuses object ids that are not GUIDs and broken escapes", () => {
    expect(parseGraphPath("/v1.0/applications/abc")).toEqual({
      kind: "invalid",
      message: "Invalid object identifier 'abc'.",
    });
    expect(parseGraphPath("/v1.0/servicePrincipals/a%2Fb")).toMatchObject({ kind: "invalid" });
    expect(parseGraphPath("/v1.0/applications/%E0%A4%A")).toMatchObject({
      kind: "invalid",
      message: expect.stringContaining("not correctly percent-encoded"),
    });
  });
});
