// How HayMaker's own identity rides out ARM throttling. ARM limits each principal ("Understand how Azure
// Resource Manager throttles requests", learn.microsoft.com/azure/azure-resource-manager/management/
// request-limits-and-throttling: a token bucket per principal, 429 with Retry-After when it is empty). The
// SDK's retry policy waits as Retry-After says, but gives up after 3 retries by default, and this one
// identity does every phase's work at once — a run's provisioning, the cleanup of 30 agents, their reports —
// so a burst can need more windows than that: 6 retries. The same count applies to 5xx and network failures,
// whose exponential waits are capped at 4 s, so a failing ARM still answers a handler well within its lock.
export const ARM_RETRY_OPTIONS = { maxRetries: 6, maxRetryDelayInMs: 4_000 } as const;
