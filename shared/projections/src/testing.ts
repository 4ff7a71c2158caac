// The contract test suite every ProjectionStore adapter must pass (SQLite today, Cosmos DB later), run from
// each adapter's own *.test.ts, and the event fixtures it is built from. A separate entry point because it
// imports vitest, which production images do not install.
export {
  agentIdAt,
  type RunStoryOptions,
  runStory,
  type StoryAgent,
  storyEvent,
  storyResources,
  type TestEventOptions,
  testEvent,
} from "./contract/events.ts";
export { allPages, applyAll, type MakeProjectionStore, snapshotOf } from "./contract/helpers.ts";
export { projectionStoreContract } from "./contract/projection-store-contract.ts";
