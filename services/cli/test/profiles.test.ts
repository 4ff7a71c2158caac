// config set/use/list/show/delete and how profiles take part in choosing a gateway, with the real binary
// and a real gateway; the profiles file is a temporary one named by HAYMAKER_CONFIG.
import {
  chmodSync,
  chownSync,
  copyFileSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeProfiles } from "../src/profiles.ts";
import { startRealGateway } from "./real-gateway.ts";
import { startRecordingGateway } from "./recording-gateway.ts";
import { haymaker } from "./run-cli.ts";

let gateway: Awaited<ReturnType<typeof startRealGateway>>;
let recorder: Awaited<ReturnType<typeof startRecordingGateway>>;
beforeAll(async () => {
  gateway = await startRealGateway();
  recorder = await startRecordingGateway();
});
afterAll(() => {
  gateway.close();
  recorder.close();
});

/** A fresh profiles file path in a directory that does not exist yet. */
function newConfig(): { HAYMAKER_CONFIG: string } {
  return { HAYMAKER_CONFIG: join(mkdtempSync(join(tmpdir(), "cli-profiles-")), "haymaker", "config.json") };
}
const UNREACHABLE = "http://127.0.0.1:9";

describe("haymaker config", () => {
  it("writes profiles 0600 in a 0700 directory, lists them without keys and masks them in show", async () => {
    const env = newConfig();
    const set = await haymaker(
      ["config", "set", "lab", "--endpoint", gateway.url, "--api-key", gateway.admin],
      env,
    );
    expect(set.stderr).toBe("");
    expect(set.code).toBe(0);
    expect(statSync(env.HAYMAKER_CONFIG).mode & 0o777).toBe(0o600);
    expect(statSync(join(env.HAYMAKER_CONFIG, "..")).mode & 0o777).toBe(0o700);
    // The key from stdin, so it never shows in ps or shell history.
    const stdin = await haymaker(
      ["config", "set", "prod", "--endpoint", "https://haymaker.example.com", "--api-key-stdin"],
      env,
      "hm_0123456789ab_secretsecretsecret\n",
    );
    expect(stdin.code).toBe(0);
    expect(JSON.parse(readFileSync(env.HAYMAKER_CONFIG, "utf8"))).toEqual({
      current: "lab",
      profiles: {
        lab: { endpoint: gateway.url, apiKey: gateway.admin },
        prod: { endpoint: "https://haymaker.example.com", apiKey: "hm_0123456789ab_secretsecretsecret" },
      },
    });

    const list = await haymaker(["config", "list", "-o", "json"], env);
    expect(JSON.parse(list.stdout)).toEqual({
      current: "lab",
      items: [
        { name: "lab", endpoint: gateway.url, current: true, hasApiKey: true },
        { name: "prod", endpoint: "https://haymaker.example.com", current: false, hasApiKey: true },
      ],
    });
    const table = await haymaker(["config", "list"], env);
    expect(table.stdout).toMatch(/^\*\s+lab\s/m);
    for (const output of [list.stdout, table.stdout]) {
      expect(output).not.toContain("secret");
      expect(output).not.toContain(gateway.admin);
    }

    const show = await haymaker(["config", "show", "prod", "-o", "json"], env);
    expect(JSON.parse(show.stdout)).toEqual({
      name: "prod",
      endpoint: "https://haymaker.example.com",
      apiKey: "hm_012…",
      current: false,
    });
    const current = await haymaker(["config", "show"], env);
    expect(current.stdout).toMatch(/name\s+lab/);
    expect(current.stdout).not.toContain(gateway.admin);
  });

  it("uses the current profile's gateway and key, and switches with config use", async () => {
    const env = newConfig();
    await haymaker(["config", "set", "lab", "--endpoint", gateway.url, "--api-key", gateway.admin], env);
    await haymaker(["config", "set", "dead", "--endpoint", UNREACHABLE, "--api-key", "hm_x"], env);
    const viaLab = await haymaker(["keys", "list", "-o", "json"], env);
    expect(viaLab.code).toBe(0);
    expect(JSON.parse(viaLab.stdout).items.length).toBeGreaterThan(0);

    expect((await haymaker(["config", "use", "dead"], env)).code).toBe(0);
    const viaDead = await haymaker(["keys", "list"], env);
    expect(viaDead.code).toBe(1);
    expect(viaDead.stderr).toContain("(from profile dead)");
    expect(viaDead.stderr).not.toContain("hm_x");

    // --profile and HAYMAKER_PROFILE pick another profile than the current one.
    expect((await haymaker(["keys", "list", "--profile", "lab"], env)).code).toBe(0);
    expect((await haymaker(["keys", "list"], { ...env, HAYMAKER_PROFILE: "lab" })).code).toBe(0);
  });

  it("lets flags beat the environment, and the environment beat a profile, never sending a profile's key elsewhere", async () => {
    const env = newConfig();
    await haymaker(["config", "set", "dead", "--endpoint", UNREACHABLE, "--api-key", gateway.admin], env);
    // The environment's endpoint wins over the current profile, and the profile's admin key stays home:
    // with no key of its own the call is refused (3), not made as admin.
    const envWins = await haymaker(["keys", "list"], { ...env, HAYMAKER_ENDPOINT: gateway.url });
    expect(envWins.code).toBe(3);
    // ...over --profile too.
    const overFlag = await haymaker(["keys", "list", "--profile", "dead"], {
      ...env,
      ...gateway.as(gateway.admin),
    });
    expect(overFlag.code).toBe(0);
    // Flags win over the environment.
    const flags = await haymaker(["keys", "list", "--endpoint", gateway.url, "--api-key", gateway.admin], {
      ...env,
      HAYMAKER_ENDPOINT: UNREACHABLE,
      HAYMAKER_API_KEY: "hm_000000000000_nope",
    });
    expect(flags.code).toBe(0);
    // An environment key goes with the profile's endpoint.
    await haymaker(["config", "set", "lab", "--endpoint", gateway.url], env);
    const keyFromEnv = await haymaker(["keys", "list", "--profile", "lab"], {
      ...env,
      HAYMAKER_API_KEY: gateway.reader,
    });
    expect(keyFromEnv.code).toBe(3);
    expect(keyFromEnv.stderr).toMatch(/Forbidden|role|admin/i);
  });

  it("answers an unknown profile with a usage error listing the profiles", async () => {
    const env = newConfig();
    await haymaker(["config", "set", "lab", "--endpoint", gateway.url], env);
    await haymaker(["config", "set", "prod", "--endpoint", gateway.url], env);
    for (const run of [
      haymaker(["keys", "list", "--profile", "nope"], env),
      haymaker(["keys", "list"], { ...env, HAYMAKER_PROFILE: "nope" }),
      haymaker(["config", "use", "nope"], env),
      haymaker(["config", "show", "nope"], env),
      haymaker(["config", "delete", "nope"], env),
    ]) {
      const result = await run;
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(/^haymaker: no profile 'nope' in .+; the profiles are: lab, prod\n$/);
    }
  });

  it("deletes a profile, and the current one leaves none current", async () => {
    const env = newConfig();
    await haymaker(["config", "set", "lab", "--endpoint", gateway.url], env);
    await haymaker(["config", "set", "prod", "--endpoint", gateway.url], env);
    expect((await haymaker(["config", "delete", "lab"], env)).code).toBe(0);
    const list = JSON.parse((await haymaker(["config", "list", "-o", "json"], env)).stdout);
    expect(list).toEqual({
      current: null,
      items: [expect.objectContaining({ name: "prod", current: false })],
    });
    expect((await haymaker(["config", "show"], env)).code).toBe(2);
  });

  it("refuses a profiles file others may read, saying which chmod to run", async () => {
    const env = newConfig();
    await haymaker(["config", "set", "lab", "--endpoint", gateway.url, "--api-key", gateway.admin], env);
    chmodSync(env.HAYMAKER_CONFIG, 0o644);
    for (const args of [
      ["config", "list"],
      ["keys", "list"],
    ]) {
      const result = await haymaker(args, env);
      expect(result.code).toBe(1);
      expect(result.stderr).toBe(
        `haymaker: ${env.HAYMAKER_CONFIG} holds API keys but other users may read or change it (mode 0644), so haymaker will not use it; run: chmod 600 ${env.HAYMAKER_CONFIG}\n`,
      );
    }
  });

  it("rejects bad input with exit 2 and a file that is not a profiles file with exit 1", async () => {
    const env = newConfig();
    for (const args of [
      ["config", "set", "lab"],
      ["config", "set", "lab", "--endpoint", "not a url"],
      ["config", "set", "lab", "--endpoint", "ftp://example.com"],
      ["config", "set", "bad/name", "--endpoint", gateway.url],
      ["config", "set", "lab", "--endpoint", gateway.url, "--api-key", "k", "--api-key-stdin"],
      ["config", "use"],
    ]) {
      const result = await haymaker(args, env);
      expect(result.code, args.join(" ")).toBe(2);
      expect(result.stderr).toMatch(/^haymaker: .+\n$/);
    }
    expect(
      (await haymaker(["config", "set", "x", "--endpoint", gateway.url, "--api-key-stdin"], env, "")).code,
    ).toBe(2);
    mkdirSync(dirname(env.HAYMAKER_CONFIG), { recursive: true });
    writeFileSync(env.HAYMAKER_CONFIG, "{ not json", { mode: 0o600 });
    const broken = await haymaker(["config", "list"], env);
    expect(broken.code).toBe(1);
    expect(broken.stderr).toMatch(/is not valid JSON/);
  });

  it("refuses a profiles file that is a link or another user's, sending nothing", async () => {
    const env = newConfig();
    await haymaker(["config", "set", "lab", "--endpoint", recorder.url, "--api-key", gateway.admin], env);
    const real = join(mkdtempSync(join(tmpdir(), "cli-profiles-real-")), "config.json");
    copyFileSync(env.HAYMAKER_CONFIG, real);
    chmodSync(real, 0o600);
    const linked = { HAYMAKER_CONFIG: join(dirname(env.HAYMAKER_CONFIG), "linked.json") };
    symlinkSync(real, linked.HAYMAKER_CONFIG);
    // Only root can give a file away; anyone else finds one of root's in /etc.
    const foreign = process.getuid?.() === 0 ? real : "/etc/passwd";
    if (foreign === real) chownSync(real, 65534, 65534);
    const owner = statSync(foreign).uid;
    for (const [config, message] of [
      [linked, `${linked.HAYMAKER_CONFIG} holds API keys but it is a symbolic link`],
      [
        { HAYMAKER_CONFIG: foreign },
        `${foreign} holds API keys but it belongs to another user (uid ${owner})`,
      ],
    ] as const) {
      const result = await haymaker(["keys", "list"], config);
      expect(result.stderr).toMatch(
        new RegExp(`^haymaker: ${message.replace(/[.()]/g, "\\$&")}[^\n]*; [^\n]+\n$`),
      );
      expect(result.code).toBe(1);
    }
    expect(recorder.authorizations).toEqual([]);
  });

  it("writes the file anew through an unguessable temporary file, never through a link planted beside it", () => {
    const { HAYMAKER_CONFIG: file } = newConfig();
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    // Where a writer naming its temporary file after its pid would write: an attacker's link to their file.
    const theirs = join(mkdtempSync(join(tmpdir(), "cli-attacker-")), "loot");
    writeFileSync(theirs, "");
    symlinkSync(theirs, `${file}.${process.pid}.tmp`);
    const profiles = { current: "lab", profiles: { lab: { endpoint: gateway.url, apiKey: gateway.admin } } };
    writeProfiles(file, profiles);
    writeProfiles(file, profiles);
    expect(readFileSync(theirs, "utf8")).toBe("");
    expect(JSON.parse(readFileSync(file, "utf8"))).toEqual(profiles);
    expect(lstatSync(file).mode & 0o777).toBe(0o600);
    expect(readdirSync(dirname(file)).sort()).toEqual(["config.json", `config.json.${process.pid}.tmp`]);
  });

  it("saves a plain-http endpoint on another machine only with --insecure, then warns whenever its key goes there", async () => {
    const env = newConfig();
    const insecure = "http://haymaker.invalid:8080";
    const refused = await haymaker(
      ["config", "set", "far", "--endpoint", insecure, "--api-key", "hm_k"],
      env,
    );
    expect(refused.code).toBe(2);
    expect(refused.stderr).toBe(
      `haymaker: --endpoint ${insecure} is plain http to another machine, so its API key would cross the network readable; use https, or pass --insecure to save it anyway (haymaker then warns each time it sends the key there)\n`,
    );
    const saved = await haymaker(
      ["config", "set", "far", "--endpoint", insecure, "--api-key", "hm_k", "--insecure"],
      env,
    );
    expect(saved.code).toBe(0);
    const warning = `haymaker: warning: the API key goes unencrypted to ${insecure} (from profile far): anyone on the network between can read it; use an https endpoint\n`;
    const used = await haymaker(["keys", "list"], env);
    expect(used.stderr.startsWith(warning)).toBe(true);
    expect(used.stderr).toMatch(/cannot reach the gateway/);
    // The same for an endpoint named by the environment; not without a key, nor on this machine.
    const fromEnv = await haymaker(["status"], { HAYMAKER_ENDPOINT: insecure, HAYMAKER_API_KEY: "hm_k" });
    expect(fromEnv.stderr).toContain("haymaker: warning: the API key goes unencrypted to");
    expect((await haymaker(["status"], { HAYMAKER_ENDPOINT: insecure })).stderr).not.toContain("warning");
    const local = await haymaker(
      ["config", "set", "lab", "--endpoint", gateway.url, "--api-key", gateway.admin],
      env,
    );
    expect(local.code).toBe(0);
    expect((await haymaker(["keys", "list", "--profile", "lab"], env)).stderr).toBe("");
  });
});
