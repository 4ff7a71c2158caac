// TLS for amqps:// and wss:// clients. Without a certificate of the operator's own, the broker makes a
// self-signed one for localhost and keeps it in the data directory, so a client that trusts it once
// (NODE_EXTRA_CA_CERTS, or `ca` in the SDK's WebSocket options) keeps trusting it across restarts.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { generate } from "selfsigned";

export interface TlsMaterial {
  key: string;
  cert: string;
  /** Where the certificate is on disk, when it is. */
  certFile: string | undefined;
}

export async function loadTlsMaterial(options: {
  certFile?: string;
  keyFile?: string;
  dataDirectory?: string;
}): Promise<TlsMaterial> {
  if (options.certFile && options.keyFile) {
    return {
      cert: readFileSync(options.certFile, "utf8"),
      key: readFileSync(options.keyFile, "utf8"),
      certFile: options.certFile,
    };
  }
  const directory = options.dataDirectory ? join(options.dataDirectory, "tls") : undefined;
  const certFile = directory ? join(directory, "broker-cert.pem") : undefined;
  const keyFile = directory ? join(directory, "broker-key.pem") : undefined;
  if (certFile && keyFile && existsSync(certFile) && existsSync(keyFile)) {
    return { cert: readFileSync(certFile, "utf8"), key: readFileSync(keyFile, "utf8"), certFile };
  }
  const pems = await generate([{ name: "commonName", value: "localhost" }], {
    keySize: 2048,
    algorithm: "sha256",
    notAfterDate: new Date(Date.now() + 5 * 365 * 24 * 3600 * 1000),
    extensions: [
      { name: "basicConstraints", cA: false },
      {
        name: "subjectAltName",
        altNames: [
          { type: 2, value: "localhost" },
          { type: 7, ip: "127.0.0.1" },
        ],
      },
    ],
  });
  if (directory && certFile && keyFile) {
    mkdirSync(directory, { recursive: true });
    writeFileSync(certFile, pems.cert);
    writeFileSync(keyFile, pems.private, { mode: 0o600 });
  }
  return { cert: pems.cert, key: pems.private, certFile };
}
