import type { FileHandle } from "node:fs/promises";
import { chmod, mkdir, stat } from "node:fs/promises";
import { dirname } from "node:path";
import { InsecurePermissionsError } from "../errors.ts";

// POSIX permission checks for the local secret store. On Windows, modes do not describe who can read a
// file (NTFS ACLs do, and a user profile is private by default), so the checks are skipped there.
const CHECKS_MODES = process.platform !== "win32";
const GROUP_OR_OTHERS = 0o077;

function octal(mode: number): string {
  return (mode & 0o777).toString(8).padStart(4, "0");
}

function assertOwnedByUs(path: string, uid: number): void {
  const ours = process.getuid?.();
  if (ours !== undefined && uid !== ours) {
    throw new InsecurePermissionsError(
      path,
      `is owned by uid ${uid}, not by this process (uid ${ours})`,
      "choose a data directory of your own",
    );
  }
}

/**
 * Makes `path` a directory only its owner can use (0700), creating it and its parents if needed. A
 * directory that already exists is never loosened or tightened silently: if group or others have any
 * access, whatever was in it may already have been read, so it is refused with the chmod that fixes it.
 */
export async function ensurePrivateDirectory(path: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  try {
    await mkdir(path, { mode: 0o700 });
    // mkdir's mode is filtered by the umask; set it exactly on the directory we just made.
    await chmod(path, 0o700);
  } catch (error) {
    if (!(error instanceof Error && "code" in error && error.code === "EEXIST")) throw error;
  }
  const stats = await stat(path);
  if (!stats.isDirectory()) {
    throw new Error(`${path} is not a directory; move it away or choose another data directory`);
  }
  assertPrivate(path, stats, "700");
}

/** Refuses an open file that is not a regular file private to its owner (0600 or stricter). */
export async function assertPrivateFile(handle: FileHandle, path: string): Promise<void> {
  const stats = await handle.stat();
  if (!stats.isFile()) throw new Error(`${path} is not a regular file`);
  assertPrivate(path, stats, "600");
}

/** Owned by this user and closed to group and others; the error says which chmod fixes it. */
function assertPrivate(path: string, stats: { uid: number; mode: number }, fix: "600" | "700"): void {
  if (!CHECKS_MODES) return;
  assertOwnedByUs(path, stats.uid);
  if ((stats.mode & GROUP_OR_OTHERS) !== 0) {
    throw new InsecurePermissionsError(
      path,
      `is open to group or others (mode ${octal(stats.mode)})`,
      `run: chmod ${fix} ${path}`,
    );
  }
}
