// Finding the local stack through local.json, attacked as a stranger would: a cloned repository's
// .haymaker, links, hard links, another user's files, gateways that only look local, key files outside the
// data directory, a stack long stopped. Each would have had a key sent before; now the CLI refuses, says why
// and what to do, and the recording gateway receives no request at all.
import { execFileSync, spawnSync } from "node:child_process";
import { chmodSync, chownSync, linkSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startRecordingGateway } from "./recording-gateway.ts";
import { haymaker } from "./run-cli.ts";

const KEY = "hm_0123456789ab_localstackadminkey";
const GIVEN_KEY = "hm_given0000000_userskeyforprod";
const CREDENTIAL = "aws_secret_access_key=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
const IS_ROOT = process.getuid?.() === 0;
/** Who else: only root can give a file away, and CI runs as root. */
const STRANGER = 65534;

let gateway: Awaited<ReturnType<typeof startRecordingGateway>>;
beforeAll(async () => {
  gateway = await startRecordingGateway();
});
afterAll(() => gateway.close());

interface Stack {
  directory: string;
  local: string;
  keyFile: string;
  env: Record<string, string>;
}

/** A data directory as the local stack leaves it, pointing at the recording gateway; `local` overrides. */
function localStack(
  local: { pid?: unknown; gateway?: { url?: unknown; apiKeyFile?: unknown } } = {},
  directory = mkdtempSync(join(tmpdir(), "cli-stack-")),
): Stack {
  const keyFile = join(directory, "admin-api-key");
  writeFileSync(keyFile, `${KEY}\n`, { mode: 0o600 });
  const file = join(directory, "local.json");
  const gatewayEntry = { url: gateway.url, apiKeyFile: keyFile, ...local.gateway };
  writeFileSync(file, JSON.stringify({ pid: process.pid, ...local, gateway: gatewayEntry }), { mode: 0o600 });
  return { directory, local: file, keyFile, env: { HAYMAKER_DATA_DIR: directory } };
}

/** A credential of the user's outside any data directory, such as ~/.aws/credentials. */
function credentialElsewhere(): string {
  const file = join(mkdtempSync(join(tmpdir(), "cli-home-")), "credentials");
  writeFileSync(file, `${CREDENTIAL}\n`, { mode: 0o600 });
  return file;
}

/** Runs `keys list` and checks it was refused with `code` and a message matching `message`, sending nothing. */
async function expectRefused(env: Record<string, string>, code: number, message: RegExp, cwd?: string) {
  const before = gateway.authorizations.length;
  const result = await haymaker(["keys", "list", "-o", "json"], env, undefined, cwd);
  expect(result.stderr).toMatch(message);
  expect(result.stderr).toMatch(/^haymaker: [^\n]+\n$/);
  expect(result.code).toBe(code);
  expect(gateway.authorizations.slice(before)).toEqual([]);
}

describe("finding the local stack", () => {
  it("calls the local stack as it writes itself, with its own key, also from .haymaker in the current directory", async () => {
    const stack = localStack();
    const before = gateway.authorizations.length;
    expect((await haymaker(["keys", "list", "-o", "json"], stack.env)).code).toBe(0);
    // The default data directory, .haymaker where the command runs.
    const project = mkdtempSync(join(tmpdir(), "cli-project-"));
    mkdirSync(join(project, ".haymaker"), { mode: 0o700 });
    localStack({}, join(project, ".haymaker"));
    const result = await haymaker(
      ["keys", "list", "-o", "json"],
      { HAYMAKER_DATA_DIR: "" },
      undefined,
      project,
    );
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    // Any 127.0.0.0/8 spelling the URL parser reads as one is this machine too.
    const spelt = localStack({ gateway: { url: `http://0x7F.1:${gateway.port}` } });
    expect((await haymaker(["keys", "list", "-o", "json"], spelt.env)).code).toBe(0);
    expect(gateway.authorizations.slice(before)).toEqual([`Bearer ${KEY}`, `Bearer ${KEY}`, `Bearer ${KEY}`]);
  });

  it("never pairs a key given by flag or environment with the gateway local.json names", async () => {
    const stack = localStack();
    const refusal =
      /sends the key from (HAYMAKER_API_KEY|--api-key) only to a gateway you name, not to the one .*local\.json names: pass --endpoint/;
    await expectRefused({ ...stack.env, HAYMAKER_API_KEY: GIVEN_KEY }, 2, refusal);
    const before = gateway.authorizations.length;
    const flag = await haymaker(["keys", "list", "--api-key", GIVEN_KEY], stack.env);
    expect(flag.code).toBe(2);
    expect(flag.stderr).toMatch(/sends the key from --api-key only to a gateway you name/);
    // Named together, key and endpoint go together.
    const named = await haymaker(
      ["keys", "list", "--endpoint", gateway.url, "--api-key", GIVEN_KEY],
      stack.env,
    );
    expect(named.code).toBe(0);
    expect(gateway.authorizations.slice(before)).toEqual([`Bearer ${GIVEN_KEY}`]);
  });

  it("ignores a cloned repository's .haymaker: a readable local.json naming any file as the key", async () => {
    const repository = mkdtempSync(join(tmpdir(), "cli-cloned-"));
    mkdirSync(join(repository, ".haymaker"), { mode: 0o755 });
    // What git checks out: the file 0644, naming the user's own credential file as the "key".
    const local = join(repository, ".haymaker", "local.json");
    const gatewayEntry = { url: gateway.url, apiKeyFile: credentialElsewhere() };
    writeFileSync(local, JSON.stringify({ pid: process.pid, gateway: gatewayEntry }), { mode: 0o644 });
    const env = { HAYMAKER_DATA_DIR: "" };
    await expectRefused(
      env,
      1,
      /local\.json: other users may read or change it \(mode 0644\); run: chmod 600 /,
      repository,
    );
    await expectRefused({ ...env, HAYMAKER_API_KEY: GIVEN_KEY }, 2, /only to a gateway you name/, repository);
    // Made 0600 (a tar archive keeps modes), the key file outside the data directory still stops it.
    chmodSync(local, 0o600);
    await expectRefused(env, 1, /apiKeyFile .*credentials is outside the data directory/, repository);
  });

  it("refuses a local.json that is a link, has a second name, or is not a file", async () => {
    const linked = localStack();
    const elsewhere = join(mkdtempSync(join(tmpdir(), "cli-elsewhere-")), "local.json");
    execFileSync("mv", [linked.local, elsewhere]);
    symlinkSync(elsewhere, linked.local);
    await expectRefused(linked.env, 1, /local\.json: it is a symbolic link/);

    const hardLinked = localStack();
    linkSync(hardLinked.local, join(mkdtempSync(join(tmpdir(), "cli-elsewhere-")), "local.json"));
    await expectRefused(hardLinked.env, 1, /local\.json: it has 2 names \(hard links\)/);

    // A FIFO would leave a plain read waiting for a writer for ever.
    const fifo = localStack();
    execFileSync("rm", [fifo.local]);
    execFileSync("mkfifo", ["-m", "600", fifo.local]);
    await expectRefused(fifo.env, 1, /local\.json: it is not a regular file/);
  });

  it.runIf(IS_ROOT)("refuses another user's local.json, key file or data directory", async () => {
    const file = localStack();
    chownSync(file.local, STRANGER, STRANGER);
    await expectRefused(file.env, 1, /local\.json: it belongs to another user \(uid 65534\)/);
    const key = localStack();
    chownSync(key.keyFile, STRANGER, STRANGER);
    await expectRefused(key.env, 1, /its key file .*admin-api-key: it belongs to another user \(uid 65534\)/);
    const directory = localStack();
    chownSync(directory.directory, STRANGER, STRANGER);
    await expectRefused(directory.env, 1, /its directory .* belongs to another user \(uid 65534\)/);
  });

  it("refuses a data directory that others may change", async () => {
    const stack = localStack();
    chmodSync(stack.directory, 0o777);
    await expectRefused(
      stack.env,
      1,
      /other users may change its directory .* \(mode 0777\); run: chmod 700 /,
    );
    chmodSync(stack.directory, 0o720);
    await expectRefused(stack.env, 1, /\(mode 0720\); run: chmod 700 /);
  });

  it("refuses a gateway that is not on this machine, however it is spelt", async () => {
    const { port } = gateway;
    for (const [url, reason] of [
      // Both reach the recording gateway on 127.0.0.1 here, yet neither is loopback by definition.
      [`http://0.0.0.0:${port}`, "is not on this machine"],
      [`http://[::ffff:127.0.0.1]:${port}`, "is not on this machine"],
      [`http://127.0.0.1.evil.example:${port}`, "is not on this machine"],
      [`http://localhost.:${port}`, "is not on this machine"],
      [`http://localhost@evil.example:${port}`, "carries a user name or password"],
      [`http://user:secret@127.0.0.1:${port}`, "carries a user name or password"],
      [`ftp://127.0.0.1:${port}`, "is not an http or https URL"],
      ["127.0.0.1", "is not an http or https URL"],
    ] as const) {
      const stack = localStack({ gateway: { url } });
      await expectRefused(stack.env, 1, new RegExp(`gateway\\.url '${literally(url)}' ${reason}`));
    }
    await expectRefused(localStack({ gateway: { url: 8080 } }).env, 1, /it names no gateway\.url/);
  });

  it("refuses a key file outside the data directory, through a link, with a second name, or not one key", async () => {
    const credential = credentialElsewhere();
    const outside = localStack({ gateway: { apiKeyFile: credential } });
    await expectRefused(outside.env, 1, /apiKeyFile .* is outside the data directory/);
    const beside = mkdtempSync(join(tmpdir(), "cli-stack-"));
    const climbing = join(beside, "..", relative(tmpdir(), credential));
    await expectRefused(
      localStack({ gateway: { apiKeyFile: climbing } }, beside).env,
      1,
      /is outside the data directory/,
    );

    const linked = localStack();
    execFileSync("rm", [linked.keyFile]);
    symlinkSync(credential, linked.keyFile);
    await expectRefused(
      linked.env,
      1,
      /apiKeyFile .*admin-api-key is \(through a link\) .*credentials, outside/,
    );

    const hardLinked = localStack();
    execFileSync("rm", [hardLinked.keyFile]);
    linkSync(credentialElsewhere(), hardLinked.keyFile);
    await expectRefused(hardLinked.env, 1, /its key file .*admin-api-key: it has 2 names \(hard links\)/);

    const readable = localStack();
    chmodSync(readable.keyFile, 0o644);
    await expectRefused(
      readable.env,
      1,
      /its key file .*: other users may read or change it \(mode 0644\); run: chmod 600 /,
    );

    const notAKey = localStack();
    writeFileSync(notAKey.keyFile, `[default]\n${CREDENTIAL}\n`);
    await expectRefused(notAKey.env, 1, /its key file .*admin-api-key does not hold one API key/);
  });

  it("refuses a local.json whose local stack is no longer running", async () => {
    const ended = spawnSync(process.execPath, ["-e", ""]).pid;
    await expectRefused(
      localStack({ pid: ended }).env,
      1,
      new RegExp(`the local stack that wrote it \\(pid ${ended}\\) is not running; start the local stack`),
    );
    await expectRefused(localStack({ pid: "1" }).env, 1, /it names no pid of the local stack that wrote it/);
  });
});

function literally(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
