import * as v from "valibot";
import { describe, expect, it, vi } from "vitest";
import {
  ConfigError,
  concurrencyFromEnv,
  logLevelFromEnv,
  parseEnv,
  portFromEnv,
  readConfigParts,
} from "./index.ts";

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

describe("concurrency from the environment", () => {
  const Concurrency = v.object({ HAYMAKER_CONCURRENCY: v.optional(concurrencyFromEnv, "4") });

  it("is a whole number from 1 to 999", () => {
    expect(parseEnv("svc", Concurrency, {})).toEqual({ HAYMAKER_CONCURRENCY: 4 });
    expect(parseEnv("svc", Concurrency, { HAYMAKER_CONCURRENCY: "999" })).toEqual({
      HAYMAKER_CONCURRENCY: 999,
    });
    for (const bad of ["0", "1000", "04", "2.5", "many"]) {
      expect(() => parseEnv("svc", Concurrency, { HAYMAKER_CONCURRENCY: bad })).toThrow(
        "HAYMAKER_CONCURRENCY: must be a whole number from 1 to 999",
      );
    }
  });
});

describe("reading a service's settings in parts", () => {
  const failing =
    (...problems: string[]) =>
    () => {
      throw new ConfigError("part", problems);
    };

  it("returns each part's value under its name", () => {
    const parts = readConfigParts("svc", { own: () => ({ port: 8080 }), bus: () => "amqp://localhost" });
    expect(parts).toEqual({ own: { port: 8080 }, bus: "amqp://localhost" });
  });

  it("reads every part and names every problem of every failed part once, in part order", () => {
    const read = vi.fn(() => 1);
    let error: unknown;
    try {
      readConfigParts("monitor", {
        own: failing("A: is required", "GRACE: must be a duration"),
        runtime: read,
        grace: failing("GRACE: must be a duration"),
        bus: failing("BUS: is required"),
      });
    } catch (caught) {
      error = caught;
    }
    expect(read).toHaveBeenCalledOnce();
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toEqual([
      "A: is required",
      "GRACE: must be a duration",
      "BUS: is required",
    ]);
    expect((error as Error).message).toMatch(/^monitor cannot start;/);
  });

  it("rethrows anything that is not a ConfigError, as it is", () => {
    const bug = new TypeError("not a setting");
    expect(() =>
      readConfigParts("svc", {
        own: failing("A: is required"),
        bus: () => {
          throw bug;
        },
      }),
    ).toThrow(bug);
  });
});
