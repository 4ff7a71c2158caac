import { describe, expect, it } from "vitest";
import { parseGraphPath } from "./path.ts";

describe("parseGraphPath", () => {
  it("addresses objects by id or appId and accepts qualified action names", () => {
    expect(parseGraphPath("/v1.0/applications")).toEqual({ kind: "applications" });
    expect(parseGraphPath("/v1.0/applications/abc")).toEqual({ kind: "application", key: { id: "abc" } });
    expect(parseGraphPath("/v1.0/applications(appId='app-1')")).toEqual({
      kind: "application",
      key: { appId: "app-1" },
    });
    expect(parseGraphPath("/v1.0/Applications/abc/microsoft.graph.addPassword")).toEqual({
      kind: "application",
      key: { id: "abc" },
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
    expect(parseGraphPath("/v1.0/applications/abc/owners")).toEqual({ kind: "unknown", segment: "owners" });
    expect(parseGraphPath("/beta/applications")).toEqual({ kind: "unknown", segment: "applications" });
  });
});
