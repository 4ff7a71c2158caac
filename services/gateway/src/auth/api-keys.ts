// The API key port and its adapters, for the programs that manage keys beside the gateway (the local
// stack's admin key, the CLI's tests): "@haymaker/gateway/api-keys".
export {
  type ApiKeyRecord,
  type ApiKeyStore,
  ROLES,
  type Role,
  roleAllows,
} from "./api-key-store.ts";
export { API_KEYS_PARTITION, CosmosApiKeyStore } from "./cosmos-api-key-store.ts";
export { apiKeyStoreFromEnv, openApiKeyStore } from "./open-api-key-store.ts";
export { API_KEYS_FILE, SqliteApiKeyStore } from "./sqlite-api-key-store.ts";
