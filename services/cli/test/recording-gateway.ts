// A stand-in gateway on 127.0.0.1 that answers every request with an empty list and records the
// Authorization header of each: the witness for "no key was sent here".
import { serveOnLocalPort } from "./run-cli.ts";

export async function startRecordingGateway() {
  const authorizations: (string | null)[] = [];
  const server = await serveOnLocalPort((request) => {
    authorizations.push(request.headers.get("authorization"));
    return Response.json({ items: [] });
  });
  return { ...server, authorizations, port: new URL(server.url).port };
}
