import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import {
  BlobServiceClient,
  ContainerClient,
  ContainerSASPermissions,
  newPipeline,
  type RequestPolicy,
  type RequestPolicyFactory,
  type WebResource,
} from "@azure/storage-blob";
import { type Azurite, startAzurite } from "@haymaker/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { thrown } from "../contract-helpers.ts";
import { StoreInputError } from "../errors.ts";
import { ContainerMissingError } from "./blob-container.ts";
import { BlobReportStore } from "./blob-report-store.ts";
import { describeReportStoreContract } from "./report-store-contract.ts";

let azurite: Azurite;
let service: BlobServiceClient;

beforeAll(async () => {
  azurite = await startAzurite();
  service = BlobServiceClient.fromConnectionString(azurite.connectionString);
});
afterAll(() => azurite?.stop());

function uniqueContainer(): string {
  return `reports-${randomUUID().slice(0, 8)}`;
}

/** Azurite's clock is kept to the second; waiting longer than that gives a later write a later time. */
const SECOND_AND_A_BIT_MS = 1100;

/**
 * A client of `container` whose requests pass through `intercept` first: it may throw to stand for a
 * writer that dies at that request, or record what was asked.
 */
function interceptedContainer(container: string, intercept: (request: WebResource) => void): ContainerClient {
  const pipeline = newPipeline(service.credential);
  const interceptor: RequestPolicyFactory = {
    create: (next: RequestPolicy): RequestPolicy => ({
      sendRequest: async (request) => {
        intercept(request);
        return next.sendRequest(request);
      },
    }),
  };
  pipeline.factories.unshift(interceptor);
  return new ContainerClient(`${azurite.url}/${container}`, pipeline);
}

/** Fails the requests that `matches` picks, as a writer that crashes there would. */
function crashingOn(container: string, matches: (method: string, path: string) => boolean): BlobReportStore {
  return new BlobReportStore(
    interceptedContainer(container, (request) => {
      if (matches(request.method, new URL(request.url).pathname)) throw new Error("simulated crash");
    }),
  );
}

async function indexEntries(container: string): Promise<string[]> {
  const names: string[] = [];
  for await (const blob of service.getContainerClient(container).listBlobsFlat({ prefix: "_index/" })) {
    names.push(blob.name);
  }
  return names;
}

async function sasFor(container: string, permissions: string): Promise<string> {
  return service.getContainerClient(container).generateSasUrl({
    permissions: ContainerSASPermissions.parse(permissions),
    expiresOn: new Date(Date.now() + 3_600_000),
  });
}

describeReportStoreContract(
  "BlobReportStore on Azurite",
  async () => new BlobReportStore(service.getContainerClient(uniqueContainer())),
);

describe("BlobReportStore on Azurite", () => {
  it("writes <runId>/report.json and report.md with their content types; refs are the blobs' URLs", async () => {
    const container = uniqueContainer();
    const refs = await new BlobReportStore(service.getContainerClient(container)).put("run-1", {
      json: { runId: "run-1" },
      markdown: "# run-1\n",
    });
    expect(refs).toEqual({
      json: `${azurite.url}/${container}/run-1/report.json`,
      markdown: `${azurite.url}/${container}/run-1/report.md`,
    });
    const blobs = service.getContainerClient(container);
    const json = await blobs.getBlobClient("run-1/report.json").getProperties();
    const markdown = await blobs.getBlobClient("run-1/report.md").getProperties();
    expect(json.contentType).toBe("application/json; charset=utf-8");
    expect(markdown.contentType).toBe("text/markdown; charset=utf-8");
    expect((await blobs.getBlobClient("run-1/report.json").downloadToBuffer()).toString()).toBe(
      '{\n  "runId": "run-1"\n}\n',
    );
  });

  it("keeps a SAS out of its refs and of its name", async () => {
    const container = uniqueContainer();
    await service.getContainerClient(container).create();
    const store = new BlobReportStore(new ContainerClient(await sasFor(container, "racwdl")));
    const refs = await store.put("run-1", { json: {}, markdown: "x" });
    expect(refs.json).toBe(`${azurite.url}/${container}/run-1/report.json`);
    expect(await store.get(refs.markdown)).toBe("x");
    expect((await store.list()).map((report) => report.markdown)).toEqual([refs.markdown]);
    expect(String(store)).toBe(`BlobReportStore(${azurite.url}/${container})`);
  });

  it("reads a container it may not create, as the gateway's read-only role does", async () => {
    const container = uniqueContainer();
    const refs = await new BlobReportStore(service.getContainerClient(container)).put("run-1", {
      json: {},
      markdown: "written by the report phase",
    });
    // A SAS that may read and list blobs only: Create Container and even Get Container Properties are 403.
    const reader = new BlobReportStore(new ContainerClient(await sasFor(container, "rl")));
    expect(await reader.get(refs.markdown)).toBe("written by the report phase");
    expect((await reader.list()).map((report) => report.runId)).toEqual(["run-1"]);
  });

  it("says the container is missing, and how to fix it, when it may not create it", async () => {
    const container = uniqueContainer();
    const reader = new BlobReportStore(new ContainerClient(await sasFor(container, "rl")));
    const error = await thrown(() => reader.list());
    expect(error).toBeInstanceOf(ContainerMissingError);
    expect(error.message).toBe(
      `the reports container ${azurite.url}/${container} does not exist and this identity may not create it: ` +
        "deploy it (the Bicep template creates it) or grant the identity Storage Blob Data Contributor on the account",
    );
    const get = await thrown(() => reader.get(`${azurite.url}/${container}/run-1/report.md`));
    expect(get).toBeInstanceOf(ContainerMissingError);
  });

  it("creates its container on first use", async () => {
    const container = uniqueContainer();
    const store = new BlobReportStore(service.getContainerClient(container));
    expect(await service.getContainerClient(container).exists()).toBe(false);
    expect(await store.list()).toEqual([]);
    expect(await service.getContainerClient(container).exists()).toBe(true);
  });

  it.each([
    ["a local ref", "local:reports/run-1/report.json"],
    ["another container", (url: string) => `${url}/other-reports/run-1/report.json`],
    ["another account", () => "https://otheraccount.blob.core.windows.net/reports/run-1/report.json"],
    [
      "another port",
      (url: string, container: string) => `${url.replace(/:(\d+)/, ":1")}/${container}/run-1/report.json`,
    ],
    ["another file of the run", (url: string, container: string) => `${url}/${container}/run-1/other.txt`],
    ["a path below a report", (url: string, container: string) => `${url}/${container}/run-1/report.md/x`],
    ["an index entry", (url: string, container: string) => `${url}/${container}/_index/1/run-1`],
    ["a run id that is not one", (url: string, container: string) => `${url}/${container}/Run-1/report.md`],
  ])("refuses %s: not a ref this store makes", async (_, ref) => {
    const container = uniqueContainer();
    const store = new BlobReportStore(service.getContainerClient(container));
    const given = typeof ref === "string" ? ref : ref(azurite.url, container);
    const error = await thrown(() => store.get(given));
    expect(error).toBeInstanceOf(StoreInputError);
    expect(error.message).toBe(
      `report ref: this store holds only refs of the form ${azurite.url}/${container}/<runId>/report.json or report.md, got ${given}`,
    );
  });

  it("lists with one List Blobs request, reading no report", async () => {
    const container = uniqueContainer();
    const requests: string[] = [];
    const store = new BlobReportStore(
      interceptedContainer(container, (request) => {
        const url = new URL(request.url);
        requests.push(`${request.method} ${url.pathname} ${url.searchParams.get("comp") ?? ""}`);
      }),
    );
    for (const runId of ["run-a", "run-b", "run-c"]) await store.put(runId, { json: {}, markdown: runId });
    requests.length = 0;
    expect(await store.list()).toHaveLength(3);
    expect(requests).toEqual([`GET /devstoreaccount1/${container} list`]);
  });

  it("does not list a first write that stops before report.json", async () => {
    const container = uniqueContainer();
    const crashing = crashingOn(
      container,
      (method, path) => method === "PUT" && path.endsWith("/report.json"),
    );
    await expect(crashing.put("run-1", { json: {}, markdown: "x" })).rejects.toThrow("simulated crash");
    const store = new BlobReportStore(service.getContainerClient(container));
    expect(await store.list()).toEqual([]);
    await store.put("run-1", { json: {}, markdown: "x" });
    expect((await store.list()).map((report) => report.runId)).toEqual(["run-1"]);
  });

  it("keeps a run listed once, at its earlier time, when a rewrite stops before its index entry", async () => {
    const container = uniqueContainer();
    const store = new BlobReportStore(service.getContainerClient(container));
    await store.put("run-1", { json: { version: 1 }, markdown: "first" });
    const [first] = await store.list();
    await sleep(SECOND_AND_A_BIT_MS);
    const crashing = crashingOn(container, (method, path) => method === "PUT" && path.includes("/_index/"));
    await expect(crashing.put("run-1", { json: { version: 2 }, markdown: "second" })).rejects.toThrow(
      "simulated crash",
    );
    expect(await store.list()).toEqual([first]);
    // The next write (the report phase retrying) puts it right.
    await sleep(SECOND_AND_A_BIT_MS);
    await store.put("run-1", { json: { version: 3 }, markdown: "third" });
    const listed = await store.list();
    expect(listed).toHaveLength(1);
    expect(Date.parse(listed[0]?.writtenAt ?? "")).toBeGreaterThan(Date.parse(first?.writtenAt ?? ""));
  });

  it("lists a run once, at its new time, when a rewrite stops before removing its old index entry", async () => {
    const container = uniqueContainer();
    const store = new BlobReportStore(service.getContainerClient(container));
    await store.put("run-1", { json: {}, markdown: "first" });
    await sleep(SECOND_AND_A_BIT_MS);
    await store.put("run-2", { json: {}, markdown: "between" });
    await sleep(SECOND_AND_A_BIT_MS);
    const crashing = crashingOn(container, (method) => method === "DELETE");
    await expect(crashing.put("run-1", { json: {}, markdown: "second" })).rejects.toThrow("simulated crash");
    expect(await indexEntries(container)).toHaveLength(3);
    const listed = await store.list();
    expect(listed.map((report) => report.runId)).toEqual(["run-1", "run-2"]);
    expect(Date.parse(listed[0]?.writtenAt ?? "")).toBeGreaterThan(Date.parse(listed[1]?.writtenAt ?? ""));
  });

  it("removes a run's old index entry when its report is written again", async () => {
    const container = uniqueContainer();
    const store = new BlobReportStore(service.getContainerClient(container));
    await store.put("run-1", { json: {}, markdown: "first" });
    const [before] = await indexEntries(container);
    await sleep(SECOND_AND_A_BIT_MS);
    await store.put("run-1", { json: {}, markdown: "second" });
    const after = await indexEntries(container);
    expect(after).toHaveLength(1);
    expect(after).not.toContain(before);
  });

  it("deletes nothing but this run's index entries, whatever report.json's metadata says", async () => {
    const container = uniqueContainer();
    const store = new BlobReportStore(service.getContainerClient(container));
    await store.put("run-1", { json: {}, markdown: "run 1" });
    await store.put("run-2", { json: {}, markdown: "run 2" });
    const [runTwoEntry] = (await indexEntries(container)).filter((name) => name.endsWith("/run-2"));
    const json = service.getContainerClient(container).getBlobClient("run-1/report.json");
    for (const target of ["run-2/report.md", runTwoEntry ?? ""]) {
      await json.setMetadata({ haymakerindexentry: target });
      await store.put("run-1", { json: {}, markdown: "run 1 again" });
    }
    expect(await store.get(`${azurite.url}/${container}/run-2/report.md`)).toBe("run 2");
    expect((await store.list()).map((report) => report.runId).sort()).toEqual(["run-1", "run-2"]);
  });

  it("ignores blobs under the index prefix that are not index entries", async () => {
    const container = uniqueContainer();
    const store = new BlobReportStore(service.getContainerClient(container));
    await store.put("run-1", { json: {}, markdown: "x" });
    const blobs = service.getContainerClient(container);
    for (const name of [
      "_index/stray",
      "_index/000000000000001/Not_A_Run",
      "_index/1/run-2",
      "_index/x/run-3",
    ]) {
      await blobs.getBlockBlobClient(name).upload("", 0);
    }
    expect((await store.list()).map((report) => report.runId)).toEqual(["run-1"]);
  });

  it("refuses a container URL whose blobs' URLs could not be report refs", () => {
    expect(() => new BlobReportStore(new ContainerClient("http://storage.example/account/reports"))).toThrow(
      "BlobReportStore needs an https container URL (plain http only on 127.0.0.1, for Azurite) so that its refs are valid report refs, got http://storage.example/account/reports",
    );
  });
});
