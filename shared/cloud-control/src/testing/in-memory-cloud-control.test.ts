import { describeCloudControlContract } from "./cloud-control-contract.ts";
import { InMemoryCloudControl } from "./in-memory-cloud-control.ts";

describeCloudControlContract("in memory", async () => {
  const cloud = new InMemoryCloudControl();
  return {
    cloud,
    putResource: async (group, type, name, tags) => cloud.addResource(group, type, name, tags),
    close: async () => {},
  };
});
