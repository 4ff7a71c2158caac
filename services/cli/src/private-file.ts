// Files that hold API keys, or say where to send them, are trusted only when nobody but this user can have
// written them: a regular file (not a link another file could stand behind), owned by this user, with no
// access for group or others, and one name only (a hard link could make a credential file of someone
// else's look like ours). The checks run on the opened file, so a swap after the check changes nothing.
import { randomBytes } from "node:crypto";
import {
  closeSync,
  constants,
  fchmodSync,
  fstatSync,
  fsyncSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  type Stats,
  writeFileSync,
} from "node:fs";
import { basename, dirname, join } from "node:path";
import { CliError, EXIT } from "./cli-error.ts";

/** Why a file is not trusted, and what to run about it; both read well after "…because". */
export interface Refusal {
  reason: string;
  fix: string;
}

export type PrivateRead = { text: string; refusal?: undefined } | { refusal: Refusal; text?: undefined };

// Windows has neither O_NOFOLLOW nor owner ids and mode bits; ACLs on the user's directories do this job.
const NO_FOLLOW = constants.O_NOFOLLOW ?? 0;
const NON_BLOCKING = constants.O_NONBLOCK ?? 0;
const POSIX = process.platform !== "win32";

/**
 * The text of `file` if it is private to this user, a refusal saying why not, or undefined if absent; a
 * CliError when it cannot be read at all.
 */
export function readPrivateFile(file: string): PrivateRead | undefined {
  let fd: number;
  try {
    // O_NONBLOCK: a FIFO planted under the name must be refused, not wait for ever for a writer.
    fd = openSync(file, constants.O_RDONLY | NO_FOLLOW | NON_BLOCKING);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") return undefined;
    if (code === "ELOOP") {
      return {
        refusal: {
          reason: "it is a symbolic link (whoever can change the link chooses the file)",
          fix: `replace the link with the file itself (cp --remove-destination "$(readlink -f ${file})" ${file})`,
        },
      };
    }
    throw new CliError(`cannot read ${file}: ${(error as Error).message}`, EXIT.failure);
  }
  try {
    const refusal = fileRefusal(file, fstatSync(fd));
    return refusal === undefined ? { text: readFileSync(fd, "utf8") } : { refusal };
  } finally {
    closeSync(fd);
  }
}

/** Why the opened `file` with these stats is not private, or undefined when it is. */
export function fileRefusal(file: string, stats: Stats, uid = process.getuid?.()): Refusal | undefined {
  if (!stats.isFile()) return { reason: "it is not a regular file", fix: `remove ${file}` };
  if (!POSIX) return undefined;
  if (uid !== undefined && stats.uid !== uid) {
    return {
      reason: `it belongs to another user (uid ${stats.uid})`,
      fix: `use a file of your own (haymaker trusts no other user's), or remove ${file}`,
    };
  }
  const mode = stats.mode & 0o777;
  if ((mode & 0o077) !== 0) {
    return {
      reason: `other users may read or change it (mode ${octal(mode)})`,
      fix: `run: chmod 600 ${file}`,
    };
  }
  if (stats.nlink !== 1) {
    return {
      reason: `it has ${stats.nlink} names (hard links), so it may be another file seen through this one`,
      fix: `replace it with a copy of its own (cp ${file} ${file}.copy && mv ${file}.copy ${file})`,
    };
  }
  return undefined;
}

/** Why `directory` (already resolved, no links left) could be changed by another user, if it could. */
export function directoryRefusal(
  directory: string,
  stats: Stats,
  uid = process.getuid?.(),
): Refusal | undefined {
  if (!stats.isDirectory()) return { reason: `${directory} is not a directory`, fix: "name a directory" };
  if (!POSIX) return undefined;
  if (uid !== undefined && stats.uid !== uid) {
    return {
      reason: `its directory ${directory} belongs to another user (uid ${stats.uid})`,
      fix: "use a data directory of your own (HAYMAKER_DATA_DIR)",
    };
  }
  const mode = stats.mode & 0o777;
  if ((mode & 0o022) !== 0) {
    return {
      reason: `other users may change its directory ${directory} (mode ${octal(mode)})`,
      fix: `run: chmod 700 ${directory}`,
    };
  }
  return undefined;
}

/**
 * Replaces `file` with `text`, mode 0600, so that a reader sees the old file or the new one, never half of
 * either, and a crash leaves the old one. The temporary file has an unguessable name and is created
 * exclusively: a link planted where it will be cannot redirect the write.
 */
export function writePrivateFile(file: string, text: string): void {
  const temporary = join(dirname(file), `.${basename(file)}.${randomBytes(8).toString("hex")}.tmp`);
  const fd = openSync(temporary, "wx", 0o600);
  try {
    try {
      // The umask may have taken bits away; 0600 whatever it is.
      fchmodSync(fd, 0o600);
      writeFileSync(fd, text);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temporary, file);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
  syncDirectory(dirname(file));
}

/** Makes the rename itself durable; directories cannot be opened for this on Windows. */
function syncDirectory(directory: string): void {
  if (!POSIX) return;
  const fd = openSync(directory, constants.O_RDONLY);
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** 0644, as chmod and ls say it. */
const octal = (mode: number) => mode.toString(8).padStart(4, "0");
