import { ConfigError } from "@haymaker/config";
import { describe, expect, it } from "vitest";
import { busConnectionFromEnv } from "./connection.ts";

describe("bus connection from the environment", () => {
  it("takes a connection string or a namespace", () => {
    const connectionString =
      "Endpoint=sb://localhost:5672;SharedAccessKeyName=k;SharedAccessKey=v;UseDevelopmentEmulator=true;";
    expect(busConnectionFromEnv({ HAYMAKER_SERVICEBUS_CONNECTION_STRING: connectionString })).toEqual({
      connectionString,
    });
    expect(busConnectionFromEnv({ HAYMAKER_SERVICEBUS_NAMESPACE: "contoso.servicebus.windows.net" })).toEqual(
      {
        fullyQualifiedNamespace: "contoso.servicebus.windows.net",
      },
    );
  });

  it("names the variable at fault and never echoes a connection string", () => {
    expect(() => busConnectionFromEnv({})).toThrow(
      /HAYMAKER_SERVICEBUS_CONNECTION_STRING or HAYMAKER_SERVICEBUS_NAMESPACE is required/,
    );
    const bad = () =>
      busConnectionFromEnv({ HAYMAKER_SERVICEBUS_CONNECTION_STRING: "SharedAccessKey=topsecret" });
    expect(bad).toThrow(ConfigError);
    expect(bad).toThrow(/HAYMAKER_SERVICEBUS_CONNECTION_STRING: must start with Endpoint=sb:\/\//);
    try {
      bad();
    } catch (error) {
      expect((error as Error).message).not.toContain("topsecret");
    }
    expect(() => busConnectionFromEnv({ HAYMAKER_SERVICEBUS_NAMESPACE: "not a namespace" })).toThrow(
      /HAYMAKER_SERVICEBUS_NAMESPACE: must be a fully qualified namespace/,
    );
    expect(() =>
      busConnectionFromEnv({
        HAYMAKER_SERVICEBUS_CONNECTION_STRING: "Endpoint=sb://x;",
        HAYMAKER_SERVICEBUS_NAMESPACE: "a.servicebus.windows.net",
      }),
    ).toThrow(/either/);
  });
});
