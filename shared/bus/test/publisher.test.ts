import { startBusBroker } from "./bus-harness.ts";
import { describePublisherContract } from "./publisher-contract.ts";

describePublisherContract("the embedded broker", startBusBroker);
