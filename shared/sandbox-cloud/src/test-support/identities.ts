// Test helper: provisions an identity through Graph exactly as HayMaker's provision phase does
// (application, password, service principal), returning what a test needs to act as it.
import type { Client } from "@microsoft/microsoft-graph-client";

export interface TestIdentity {
  /** The application's object id. */
  applicationId: string;
  /** The client id. */
  appId: string;
  /** The service principal's object id: what role assignments name. */
  principalId: string;
  secret: string;
}

export async function provisionIdentity(graph: Client, displayName: string): Promise<TestIdentity> {
  const app = (await graph.api("/applications").post({ displayName })) as { id: string; appId: string };
  const password = (await graph
    .api(`/applications/${app.id}/addPassword`)
    .post({ passwordCredential: { displayName: "test" } })) as { secretText: string };
  const sp = (await graph.api("/servicePrincipals").post({ appId: app.appId })) as { id: string };
  return { applicationId: app.id, appId: app.appId, principalId: sp.id, secret: password.secretText };
}
