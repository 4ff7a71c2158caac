// A gateway for tests, on real local adapters: an in-memory projection store, a temporary report store, an
// in-memory key store holding one key per role, the real catalogue, and a publish that records what it
// was given. Streams poll fast so tests of live streams take milliseconds.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type HayMakerEvent, loadScenarioCatalogue } from "@haymaker/contracts";
import { SqliteProjectionStore } from "@haymaker/projections";
import { FileReportStore } from "@haymaker/stores";
import { createGateway } from "../app.ts";
import type { Role } from "../auth/api-key-store.ts";
import { SqliteApiKeyStore } from "../auth/sqlite-api-key-store.ts";
import type { GatewayDeps } from "../gateway-deps.ts";

export const SCENARIOS = fileURLToPath(new URL("../../../../scenarios", import.meta.url));

export async function testGateway(options: Partial<GatewayDeps> = {}) {
  const published: HayMakerEvent[] = [];
  const errors: unknown[] = [];
  const projections = SqliteProjectionStore.inMemory();
  const reports = new FileReportStore(mkdtempSync(join(tmpdir(), "gateway-test-")));
  const keys = new SqliteApiKeyStore(":memory:");
  const key: Record<Role, string> = {
    reader: (await keys.create("reader", "test-reader")).key,
    operator: (await keys.create("operator", "test-operator")).key,
    admin: (await keys.create("admin", "test-admin")).key,
  };
  const app = createGateway(
    {
      publish: async (event) => void published.push(event),
      catalogue: () => loadScenarioCatalogue(SCENARIOS),
      projections,
      reports,
      keys,
      executeLimitPerMinute: 10,
      streams: { pollMs: 10, heartbeatMs: 60 },
      ...options,
    },
    (error) => errors.push(error),
  );
  const request = (
    method: string,
    path: string,
    options: { role?: Role | "none"; body?: unknown; headers?: Record<string, string> } = {},
  ) => {
    const role = options.role ?? "reader";
    const headers: Record<string, string> = {
      ...(role === "none" ? {} : { authorization: `Bearer ${key[role]}` }),
      ...(options.body === undefined ? {} : { "content-type": "application/json" }),
      ...options.headers,
    };
    return app.request(path, {
      method,
      headers,
      ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
    });
  };
  /** The same with a key given as is (or none). */
  const call = (method: string, path: string, key?: string, body?: unknown) =>
    app.request(path, {
      method,
      headers: {
        ...(key === undefined ? {} : { authorization: `Bearer ${key}` }),
        ...(body === undefined ? {} : { "content-type": "application/json" }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  return { app, published, errors, projections, reports, keys, key, request, call };
}

export type TestGateway = Awaited<ReturnType<typeof testGateway>>;

/** The error envelope of an answer, checking its status first. */
export async function errorOf(response: Response, status: number) {
  if (response.status !== status) {
    throw new Error(`expected ${status}, got ${response.status}: ${await response.text()}`);
  }
  const body = (await response.json()) as {
    error: { code: string; message: string; details: { path: string; reason: string }[]; traceId: string };
  };
  return body.error;
}
