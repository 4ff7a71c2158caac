import { startBusBroker } from "./bus-harness.ts";
import { describeConsumerContract } from "./consumer-contract.ts";

describeConsumerContract("the embedded broker", startBusBroker);
