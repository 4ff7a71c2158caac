// The checks behind "never send a key where a stranger chose", in-process: which hosts are this machine,
// and when a file or directory counts as this user's alone (for any user, not only the one running this).
import { mkdtempSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { isLoopbackHost, isPlainHttpElsewhere } from "../src/loopback.ts";
import { directoryRefusal, fileRefusal } from "../src/private-file.ts";

const hostOf = (url: string) => new URL(url).hostname;

describe("loopback", () => {
  it("knows this machine by 127.0.0.0/8, ::1 and localhost, however the URL spells them", () => {
    for (const url of [
      "http://127.0.0.1:8080",
      "http://127.255.0.9",
      "http://0x7f.1",
      "http://2130706433",
      "http://127.1",
      "http://127.0.0.1.:80",
      "http://LOCALHOST:3000",
      "http://loc%61lhost",
      "http://[::1]:8080",
      "http://[0:0:0:0:0:0:0:1]",
    ]) {
      expect(isLoopbackHost(hostOf(url)), url).toBe(true);
    }
  });

  it("does not take look-alikes, credentials, wildcard or mapped addresses for this machine", () => {
    for (const url of [
      "http://127.0.0.1.evil.example",
      "http://localhost.evil.example",
      "http://localhost@evil.example",
      "http://evil.example#@127.0.0.1",
      "http://localhost.",
      "http://0.0.0.0",
      "http://[::]",
      "http://[::ffff:127.0.0.1]",
      "http://[::ffff:8.8.8.8]",
      "http://128.0.0.1",
      "http://10.0.0.1",
    ]) {
      expect(isLoopbackHost(hostOf(url)), url).toBe(false);
    }
  });

  it("calls plain http elsewhere insecure, and neither https nor this machine", () => {
    expect(isPlainHttpElsewhere("http://haymaker.example.com")).toBe(true);
    expect(isPlainHttpElsewhere("HTTP://10.0.0.5:8080/api")).toBe(true);
    expect(isPlainHttpElsewhere("http://localhost@haymaker.example.com")).toBe(true);
    expect(isPlainHttpElsewhere("https://haymaker.example.com")).toBe(false);
    expect(isPlainHttpElsewhere("http://127.0.0.1:8080")).toBe(false);
    expect(isPlainHttpElsewhere("not a url")).toBe(false);
  });
});

describe("private files and directories", () => {
  const directory = mkdtempSync(join(tmpdir(), "cli-trust-"));
  const file = join(directory, "secret");
  writeFileSync(file, "x", { mode: 0o600 });
  const me = statSync(file).uid;

  it("trusts a 0600 file and a 0700 or 0755 directory of the user's own", () => {
    expect(fileRefusal(file, statSync(file), me)).toBeUndefined();
    expect(directoryRefusal(directory, statSync(directory), me)).toBeUndefined();
  });

  it("refuses the same file and directory to any other user, naming the owner", () => {
    expect(fileRefusal(file, statSync(file), me + 1)?.reason).toBe(`it belongs to another user (uid ${me})`);
    expect(directoryRefusal(directory, statSync(directory), me + 1)?.reason).toBe(
      `its directory ${directory} belongs to another user (uid ${me})`,
    );
  });

  it("refuses a directory for a file and a file for a directory", () => {
    expect(fileRefusal(directory, statSync(directory), me)?.reason).toBe("it is not a regular file");
    expect(directoryRefusal(file, statSync(file), me)?.reason).toBe(`${file} is not a directory`);
  });
});
