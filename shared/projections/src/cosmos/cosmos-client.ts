// One way to sign in to Cosmos DB from a CosmosConfig: the account key when one is given (a local emulator,
// or where keys are allowed), otherwise Microsoft Entra through DefaultAzureCredential (in Azure, the
// service's managed identity, which needs the Cosmos DB Built-in Data Contributor role).
import { CosmosClient, type CosmosClientOptions } from "@azure/cosmos";
import { DefaultAzureCredential, type TokenCredential } from "@azure/identity";

export interface CosmosSignIn {
  endpoint: string;
  key?: string;
  credential?: TokenCredential;
  clientOptions?: Omit<CosmosClientOptions, "endpoint" | "key" | "aadCredentials">;
}

export function cosmosClientFor(signIn: CosmosSignIn): CosmosClient {
  return new CosmosClient({
    ...signIn.clientOptions,
    endpoint: signIn.endpoint,
    ...(signIn.key !== undefined
      ? { key: signIn.key }
      : { aadCredentials: signIn.credential ?? new DefaultAzureCredential() }),
  });
}
