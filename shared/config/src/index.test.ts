import * as v from "valibot";
import { describe, expect, it } from "vitest";
import { ConfigError, logLevelFromEnv, parseEnv, portFromEnv } from "./index.ts";

const Schema = v.object({
  HAYMAKER_PORT: v.optional(portFromEnv, "8080"),
  HAYMAKER_LOG_LEVEL: v.optional(logLevelFromEnv, "info"),
  HAYMAKER_REQUIRED: v.string("is required"),
  HAYMAKER_SECRET: v.optional(v.pipe(v.string(), v.minLength(32, "must be at least 32 characters"))),
});

describe("settings from the environment", () => {
  it("applies defaults and converts values", () => {
    expect(parseEnv("svc", Schema, { HAYMAKER_REQUIRED: "x", HAYMAKER_PORT: "0" })).toEqual({
      HAYMAKER_PORT: 0,
      HAYMAKER_LOG_LEVEL: "info",
      HAYMAKER_REQUIRED: "x",
    });
  });

  it("names every bad or missing variable at once and never echoes a value", () => {
    let error: unknown;
    try {
      parseEnv("gateway", Schema, {
        HAYMAKER_PORT: "70000",
        HAYMAKER_LOG_LEVEL: "loud",
        HAYMAKER_SECRET: "hunter2",
      });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems;
    expect(problems).toEqual([
      "HAYMAKER_PORT: must be a port number from 0 (any free port) to 65535",
      "HAYMAKER_LOG_LEVEL: must be one of fatal, error, warn, info, debug, trace, silent",
      "HAYMAKER_REQUIRED: is required",
      "HAYMAKER_SECRET: must be at least 32 characters",
    ]);
    expect((error as Error).message).toMatch(/^gateway cannot start; fix these environment variables:/);
    expect((error as Error).message).not.toContain("hunter2");
  });
});
