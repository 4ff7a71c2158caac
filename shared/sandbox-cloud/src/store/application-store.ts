// Entra application registrations and their password credentials. Secrets are kept only as SHA-256
// hashes: the sandbox must check them but never hand them back, exactly like Entra.
import { createHash, randomBytes, randomUUID, timingSafeEqual } from "node:crypto";
import type { DatabaseSync } from "node:sqlite";

export interface Application {
  id: string;
  appId: string;
  displayName: string;
  tags: string[];
  notes: string | null;
  /** The alternate key an upsert created it under; null otherwise (and absent in older data). */
  uniqueName?: string | null;
  createdDateTime: string;
  publisherDomain: string;
  signInAudience: "AzureADMyOrg";
}

/** A password credential as Graph lists it: never with its secret. */
export interface PasswordCredential {
  keyId: string;
  displayName: string | null;
  hint: string;
  startDateTime: string;
  endDateTime: string;
  customKeyIdentifier: null;
  secretText: null;
}

// Entra's generated secrets are 40 characters from this alphabet, with "Q~" at positions 4-5.
const secretAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-~";

export class ApplicationStore {
  readonly #db: DatabaseSync;
  readonly #publisherDomain: string;

  constructor(db: DatabaseSync, publisherDomain: string) {
    this.#db = db;
    this.#publisherDomain = publisherDomain;
  }

  create(fields: {
    displayName: string;
    tags: string[];
    notes: string | null;
    uniqueName?: string;
  }): Application {
    const app: Application = {
      id: randomUUID(),
      appId: randomUUID(),
      displayName: fields.displayName,
      tags: fields.tags,
      notes: fields.notes,
      uniqueName: fields.uniqueName ?? null,
      createdDateTime: graphTime(new Date()),
      publisherDomain: this.#publisherDomain,
      signInAudience: "AzureADMyOrg",
    };
    this.#db
      .prepare("INSERT INTO applications (id, app_id, body) VALUES (?, ?, ?)")
      .run(app.id, app.appId, JSON.stringify(app));
    return app;
  }

  get(id: string): Application | undefined {
    return parse(this.#db.prepare("SELECT body FROM applications WHERE id = ?").get(id.toLowerCase()));
  }

  getByAppId(appId: string): Application | undefined {
    return parse(this.#db.prepare("SELECT body FROM applications WHERE app_id = ?").get(appId.toLowerCase()));
  }

  /** Alternate keys compare case-insensitively. */
  getByUniqueName(uniqueName: string): Application | undefined {
    return parse(
      this.#db
        .prepare("SELECT body FROM applications WHERE lower(json_extract(body, '$.uniqueName')) = ?")
        .get(uniqueName.toLowerCase()),
    );
  }

  list(): Application[] {
    return this.#db
      .prepare("SELECT body FROM applications ORDER BY rowid")
      .all()
      .map((row) => parse(row) as Application);
  }

  update(app: Application): void {
    this.#db.prepare("UPDATE applications SET body = ? WHERE id = ?").run(JSON.stringify(app), app.id);
  }

  /** Deletes the application and its credentials; returns whether it existed. */
  delete(id: string): boolean {
    this.#db.prepare("DELETE FROM password_credentials WHERE application_id = ?").run(id.toLowerCase());
    return this.#db.prepare("DELETE FROM applications WHERE id = ?").run(id.toLowerCase()).changes > 0;
  }

  passwords(applicationId: string): PasswordCredential[] {
    return this.#db
      .prepare("SELECT body FROM password_credentials WHERE application_id = ? ORDER BY rowid")
      .all(applicationId)
      .map((row) => JSON.parse((row as { body: string }).body) as PasswordCredential);
  }

  addPassword(
    applicationId: string,
    fields: { displayName: string | null; startDateTime: Date; endDateTime: Date },
  ): { credential: PasswordCredential; secretText: string } {
    const secretText = newSecret();
    const credential: PasswordCredential = {
      keyId: randomUUID(),
      displayName: fields.displayName,
      hint: secretText.slice(0, 3),
      startDateTime: fields.startDateTime.toISOString(),
      endDateTime: fields.endDateTime.toISOString(),
      customKeyIdentifier: null,
      secretText: null,
    };
    this.#db
      .prepare(
        "INSERT INTO password_credentials (key_id, application_id, secret_hash, start_at, end_at, body) " +
          "VALUES (?, ?, ?, ?, ?, ?)",
      )
      .run(
        credential.keyId,
        applicationId,
        hash(secretText),
        credential.startDateTime,
        credential.endDateTime,
        JSON.stringify(credential),
      );
    return { credential, secretText };
  }

  removePassword(applicationId: string, keyId: string): boolean {
    return (
      this.#db
        .prepare("DELETE FROM password_credentials WHERE application_id = ? AND key_id = ?")
        .run(applicationId, keyId.toLowerCase()).changes > 0
    );
  }

  /** The password `secret` is (its keyId), and whether it is in date; undefined when it is none of them. */
  matchSecret(
    applicationId: string,
    secret: string,
    now = new Date(),
  ): { keyId: string; check: "valid" | "expired" } | undefined {
    const given = Buffer.from(hash(secret), "hex");
    const rows = this.#db
      .prepare(
        "SELECT key_id, secret_hash, start_at, end_at FROM password_credentials WHERE application_id = ?",
      )
      .all(applicationId) as { key_id: string; secret_hash: string; start_at: string; end_at: string }[];
    const match = rows.find((row) => timingSafeEqual(Buffer.from(row.secret_hash, "hex"), given));
    if (match === undefined) return undefined;
    const time = now.toISOString();
    const check = match.start_at <= time && time < match.end_at ? "valid" : "expired";
    return { keyId: match.key_id, check };
  }
}

function newSecret(): string {
  const bytes = randomBytes(38);
  const chars = [...bytes].map((b) => secretAlphabet[b % secretAlphabet.length]);
  return `${chars.slice(0, 3).join("")}8Q~${chars.slice(3, 37).join("")}`;
}

function hash(secret: string): string {
  return createHash("sha256").update(secret).digest("hex");
}

/** Graph's DateTimeOffset spelling: second precision, Z. */
export function graphTime(date: Date): string {
  return `${date.toISOString().slice(0, 19)}Z`;
}

function parse(row: unknown): Application | undefined {
  return row === undefined ? undefined : (JSON.parse((row as { body: string }).body) as Application);
}
