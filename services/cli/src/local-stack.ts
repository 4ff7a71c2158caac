// Finding the running local stack through local.json in its data directory (by default `.haymaker` in the
// current directory, which may be a repository someone else wrote). So that a directory's contents can never
// choose where a key goes, the file is trusted only when it is private to this user (see private-file.ts)
// in a directory only this user can change, written by a local stack that is still running, naming a
// gateway on this machine; and the key sent there is only the one in the stack's own key file, inside the
// same data directory. Anything else is refused with the reason and the fix, and no request is made.
import { realpathSync, statSync } from "node:fs";
import { isAbsolute, join, relative, resolve, sep } from "node:path";
import { CliError, EXIT, usageError } from "./cli-error.ts";
import type { Endpoint } from "./endpoint.ts";
import { isLoopbackHost } from "./loopback.ts";
import { directoryRefusal, type Refusal, readPrivateFile } from "./private-file.ts";

const LOCAL_FILE = "local.json";

/**
 * The local stack's gateway and its admin key, or undefined when `dataDirectory` holds no local.json.
 * `givenKey` names where a key given by the user came from (`--api-key`, `HAYMAKER_API_KEY`): such a
 * key is never sent to a gateway a file named.
 */
export function localStackEndpoint(
  dataDirectory: string,
  givenKey: string | undefined,
): Endpoint | undefined {
  const directory = realDirectory(dataDirectory);
  if (directory === undefined) return undefined;
  const file = join(directory, LOCAL_FILE);
  const read = readPrivateFile(file);
  if (read === undefined) return undefined;
  if (givenKey !== undefined) {
    throw usageError(
      `haymaker sends the key from ${givenKey} only to a gateway you name, not to the one ${file} names: pass --endpoint (or set HAYMAKER_ENDPOINT, or use a profile), or leave out ${givenKey} to use the local stack's own key`,
    );
  }
  const refuse = (refusal: Refusal) =>
    new CliError(`will not use the local stack in ${file}: ${refusal.reason}; ${refusal.fix}`, EXIT.failure);
  if (read.refusal !== undefined) throw refuse(read.refusal);
  const directoryProblem = directoryRefusal(directory, statSync(directory));
  if (directoryProblem !== undefined) throw refuse(directoryProblem);

  let local: { pid?: unknown; gateway?: { url?: unknown; apiKeyFile?: unknown } } | null;
  try {
    local = JSON.parse(read.text);
  } catch {
    local = null;
  }
  if (typeof local !== "object" || local === null) {
    throw refuse({
      reason: "it is not a JSON object",
      fix: "restart the local stack (npm start) to rewrite it",
    });
  }
  const stopped = notRunning(local.pid);
  if (stopped !== undefined) throw refuse(stopped);
  const url = gatewayUrl(local.gateway?.url);
  if (typeof url !== "string") throw refuse(url);
  const apiKeyFile = local.gateway?.apiKeyFile;
  if (apiKeyFile === undefined) return { url, apiKey: undefined, source: "local stack" };
  const apiKey = typeof apiKeyFile === "string" ? keyIn(directory, apiKeyFile) : badKeyFile(apiKeyFile);
  if (typeof apiKey !== "string") throw refuse(apiKey);
  return { url, apiKey, source: "local stack" };
}

/** The data directory with every link resolved, so "inside it" means inside it; undefined when absent. */
function realDirectory(dataDirectory: string): string | undefined {
  try {
    return realpathSync(dataDirectory);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") return undefined;
    throw new CliError(`cannot read the data directory ${dataDirectory}: ${(error as Error).message}`, 1);
  }
}

/**
 * Why the stack that wrote the file is not running, if it is not. A stale file names a port that anyone
 * on this machine may have taken since. Signal 0 only asks whether this user may signal that process.
 */
function notRunning(pid: unknown): Refusal | undefined {
  const restart = "start the local stack (npm start), which rewrites it";
  if (typeof pid !== "number" || !Number.isSafeInteger(pid) || pid <= 0) {
    return { reason: "it names no pid of the local stack that wrote it", fix: restart };
  }
  try {
    process.kill(pid, 0);
    return undefined;
  } catch (error) {
    const whose =
      (error as NodeJS.ErrnoException).code === "EPERM" ? "another user's process" : "not running";
    return { reason: `the local stack that wrote it (pid ${pid}) is ${whose}`, fix: restart };
  }
}

/** The gateway url when it is http(s) on this machine with no credentials in it, else why not. */
function gatewayUrl(text: unknown): string | Refusal {
  const fix = "the local stack always names its gateway as http://127.0.0.1:PORT; restart it (npm start)";
  if (typeof text !== "string") return { reason: "it names no gateway.url", fix };
  const url = URL.parse(text);
  if (url === null || (url.protocol !== "http:" && url.protocol !== "https:")) {
    return { reason: `gateway.url '${text}' is not an http or https URL`, fix };
  }
  if (url.username !== "" || url.password !== "") {
    return { reason: `gateway.url '${text}' carries a user name or password`, fix };
  }
  if (!isLoopbackHost(url.hostname)) {
    return { reason: `gateway.url '${text}' is not on this machine (${url.hostname})`, fix };
  }
  return text;
}

/** The key in `apiKeyFile` when it lies inside the data directory and is private, else why not. */
function keyIn(directory: string, apiKeyFile: string): string | Refusal {
  const named = resolve(directory, apiKeyFile);
  let real: string;
  try {
    real = realpathSync(named);
  } catch (error) {
    return {
      reason: `its gateway.apiKeyFile ${named} cannot be read (${(error as NodeJS.ErrnoException).code})`,
      fix: "restart the local stack (npm start) to make a new key",
    };
  }
  const inside = relative(directory, real);
  if (inside === "" || inside === ".." || inside.startsWith(`..${sep}`) || isAbsolute(inside)) {
    return {
      reason: `its gateway.apiKeyFile ${named} is ${real === named ? "" : `(through a link) ${real}, `}outside the data directory ${directory}`,
      fix: "the local stack keeps its key in its data directory; restart it (npm start)",
    };
  }
  const read = readPrivateFile(real);
  if (read === undefined) return badKeyFile(named);
  if (read.refusal !== undefined) {
    return { reason: `its key file ${real}: ${read.refusal.reason}`, fix: read.refusal.fix };
  }
  const key = read.text.trim();
  // One line of visible characters, as the gateway's keys are: never a multi-line credential file.
  if (!/^[\x21-\x7e]{1,512}$/.test(key)) {
    return {
      reason: `its key file ${real} does not hold one API key`,
      fix: "restart the local stack (npm start) to make a new key",
    };
  }
  return key;
}

function badKeyFile(apiKeyFile: unknown): Refusal {
  return {
    reason: `its gateway.apiKeyFile ${JSON.stringify(apiKeyFile)} names no readable file`,
    fix: "restart the local stack (npm start) to make a new key",
  };
}
