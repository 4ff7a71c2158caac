// The local stack's first admin API key: created on the first start, kept 0600 in the data directory,
// and named in local.json so the CLI and an operator's shell can call the gateway without setup. It is
// created in whichever key store the gateway is given (the SQLite file in the data directory, or Cosmos DB
// when HAYMAKER_COSMOS_ENDPOINT is set in the environment passed here), so the gateway accepts it.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { apiKeyStoreFromEnv } from "@haymaker/gateway/api-keys";
import { writeFileAtomically } from "@haymaker/stores";

export const ADMIN_KEY_FILE = "admin-api-key";

/**
 * The admin key's file, creating the key if this data directory has none (or its key is not accepted by
 * the key store: revoked, or made for another store). `env` is the gateway's environment.
 */
export async function ensureAdminKey(
  dataDirectory: string,
  env: Record<string, string | undefined> = process.env,
): Promise<string> {
  const file = join(dataDirectory, ADMIN_KEY_FILE);
  const keys = await apiKeyStoreFromEnv(env, dataDirectory, "local-stack");
  try {
    const existing = existsSync(file) ? readFileSync(file, "utf8").trim() : undefined;
    if (existing !== undefined && (await keys.verify(existing)) !== undefined) return file;
    const { key } = await keys.create("admin", "local-admin");
    // A new file, 0600, even when a revoked key's file was there (and had been made readable).
    await writeFileAtomically(file, `${key}\n`, { mode: 0o600 });
    return file;
  } finally {
    keys.close();
  }
}
