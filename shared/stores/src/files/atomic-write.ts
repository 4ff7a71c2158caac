import { randomUUID } from "node:crypto";
import { open, rename, rm } from "node:fs/promises";
import { basename, dirname, join } from "node:path";

// Readers must never see half a file: write a temporary file beside the target, flush it, then rename it
// over the target (rename within one directory is atomic on POSIX and replaces on Windows). The temporary
// name starts with "." and ends in ".tmp", which no secret name, run id or report file name can.

export interface AtomicWriteOptions {
  /** Exact mode for the file. Without it the usual creation mode applies (0666 less the umask). */
  mode?: number;
}

export async function writeFileAtomically(
  path: string,
  text: string,
  options: AtomicWriteOptions = {},
): Promise<void> {
  const temporary = join(dirname(path), `.${basename(path)}.${randomUUID()}.tmp`);
  // "wx": never reuse or follow anything already at the temporary path.
  const handle = await open(temporary, "wx", options.mode ?? 0o666);
  let renamed = false;
  try {
    // The mode given to open is filtered by the umask; chmod sets it exactly before any byte is written.
    if (options.mode !== undefined) await handle.chmod(options.mode);
    await handle.writeFile(text, "utf8");
    await handle.sync();
    await handle.close();
    await rename(temporary, path);
    renamed = true;
  } finally {
    if (!renamed) {
      await handle.close().catch(() => {});
      await rm(temporary, { force: true });
    }
  }
}
