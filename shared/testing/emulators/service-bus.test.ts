// The bus library's contracts (publish, consume, settle, dead-letter, schedule) on Microsoft's Service Bus
// emulator, the same suites the unit tests run on HayMaker's embedded broker. The testcontainers module
// starts the emulator's SQL companion (a SQL Server container) on a network of its own.
import { ServiceBusClient } from "@azure/service-bus";
import {
  type BusUnderTest,
  busTestConfig,
  describeConsumerContract,
  describePublisherContract,
} from "@haymaker/bus/testing";
import {
  AzureServiceBusContainer,
  type StartedAzureServiceBusContainer,
} from "@testcontainers/azureservicebus";
import { afterAll, beforeAll, describe } from "vitest";
import { emulatorSkipReason } from "./docker.ts";

const SERVICE_BUS_EMULATOR_IMAGE = "mcr.microsoft.com/azure-messaging/servicebus-emulator:latest";
// The emulator serves one namespace; Microsoft's sample configuration names it sbemulatorns.
const EMULATOR_NAMESPACE = "sbemulatorns";
// The embedded broker's tests use a 2 s lock for speed; 5 s is a lock any Service Bus deployment takes.
const EMULATOR_LOCK_SECONDS = 5;

const skip = await emulatorSkipReason("The bus on Microsoft's Service Bus emulator");

describe.skipIf(skip !== undefined)("the bus on Microsoft's Service Bus emulator", () => {
  let emulator: StartedAzureServiceBusContainer;

  beforeAll(async () => {
    emulator = await new AzureServiceBusContainer(SERVICE_BUS_EMULATOR_IMAGE)
      .acceptLicense()
      .withConfig(JSON.stringify(busTestConfig(EMULATOR_NAMESPACE, EMULATOR_LOCK_SECONDS)))
      .start();
  });
  afterAll(() => emulator?.stop());

  const startBus = async (): Promise<BusUnderTest> => {
    const client = new ServiceBusClient(emulator.getConnectionString());
    return { client, stop: () => client.close() };
  };
  describePublisherContract("Microsoft's Service Bus emulator", startBus);
  describeConsumerContract("Microsoft's Service Bus emulator", startBus);
});
