// Named gateways and their keys in ~/.haymaker/config.json (HAYMAKER_CONFIG names another file). The file
// holds API keys, so it is written 0600 in a 0700 directory, and like ssh with a private key, haymaker
// refuses to read it unless it is private to this user (see private-file.ts): a key others can read is a
// leaked key, and a file others can change, or a link to one, could send the key to their endpoint.
import { mkdirSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join } from "node:path";
import { CliError, EXIT, usageError } from "./cli-error.ts";
import { readPrivateFile, writePrivateFile } from "./private-file.ts";

export interface Profile {
  endpoint: string;
  apiKey?: string;
}

export interface ProfileFile {
  /** The profile used when no other names a gateway. */
  current?: string;
  profiles: Record<string, Profile>;
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export function configPath(env: NodeJS.ProcessEnv): string {
  return env.HAYMAKER_CONFIG || join(homedir(), ".haymaker", "config.json");
}

/** The profiles in `file`; none when it does not exist yet. */
export function readProfiles(file: string): ProfileFile {
  const read = readPrivateFile(file);
  if (read === undefined) return { profiles: {} };
  if (read.refusal !== undefined) {
    throw new CliError(
      `${file} holds API keys but ${read.refusal.reason}, so haymaker will not use it; ${read.refusal.fix}`,
      EXIT.failure,
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(read.text);
  } catch {
    throw new CliError(`${file} is not valid JSON; fix it or delete it and run haymaker config set`, 1);
  }
  return checkShape(file, parsed);
}

/** Writes `profiles` to `file` (0600, its directory 0700), replacing it whole so a crash leaves the old one. */
export function writeProfiles(file: string, profiles: ProfileFile): void {
  try {
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    writePrivateFile(file, `${JSON.stringify(profiles, null, 2)}\n`);
  } catch (error) {
    throw new CliError(`cannot write ${file}: ${(error as Error).message}`, EXIT.failure);
  }
}

export function checkProfileName(name: string): string {
  if (!NAME.test(name)) {
    throw usageError(`a profile name is 1-64 letters, digits, '.', '_' or '-', not '${name}'`);
  }
  return name;
}

/** The named profile, or a usage error listing the ones there are. */
export function profileNamed(file: ProfileFile, name: string, path: string): Profile {
  const profile = file.profiles[name];
  if (profile !== undefined) return profile;
  const names = Object.keys(file.profiles);
  throw usageError(
    `no profile '${name}' in ${path}; ${names.length > 0 ? `the profiles are: ${names.join(", ")}` : "there are none yet: add one with haymaker config set NAME --endpoint URL"}`,
  );
}

/** `hm_0a1…`: enough to tell keys apart, never enough to use one. */
export function maskKey(key: string): string {
  return `${key.slice(0, Math.min(6, Math.floor(key.length / 3)))}…`;
}

function checkShape(file: string, value: unknown): ProfileFile {
  const bad = (what: string) => new CliError(`${file}: ${what}; fix it or run haymaker config set`, 1);
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw bad("expected an object");
  const { current, profiles } = value as { current?: unknown; profiles?: unknown };
  if (current !== undefined && typeof current !== "string") throw bad("current: expected a profile name");
  if (typeof profiles !== "object" || profiles === null || Array.isArray(profiles)) {
    throw bad("profiles: expected an object of profiles by name");
  }
  const checked: Record<string, Profile> = {};
  for (const [name, profile] of Object.entries(profiles)) {
    const { endpoint, apiKey } = (profile ?? {}) as { endpoint?: unknown; apiKey?: unknown };
    if (typeof endpoint !== "string") throw bad(`profiles.${name}.endpoint: expected a URL`);
    if (apiKey !== undefined && typeof apiKey !== "string")
      throw bad(`profiles.${name}.apiKey: expected text`);
    checked[name] = { endpoint, ...(apiKey === undefined ? {} : { apiKey }) };
  }
  return { ...(current === undefined ? {} : { current }), profiles: checked };
}
