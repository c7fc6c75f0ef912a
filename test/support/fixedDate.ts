/**
 * Freezes `Date` (only `Date`: timers, microtasks and `process.nextTick` stay real, which Pulumi's
 * mocks need) for tests that evaluate the programs with the example stack files. Their secret
 * expiry dates are fixed example values, and the pre-flight check compares them with today's date:
 * without this, the same test would start failing once the example dates come within 7 days.
 */
export const TEST_TODAY = "2026-11-28T12:00:00Z";

export function useFixedDate(iso: string = TEST_TODAY): void {
  jest.useFakeTimers({
    now: new Date(iso),
    doNotFake: [
      "hrtime",
      "nextTick",
      "performance",
      "queueMicrotask",
      "requestAnimationFrame",
      "cancelAnimationFrame",
      "requestIdleCallback",
      "cancelIdleCallback",
      "setImmediate",
      "clearImmediate",
      "setInterval",
      "clearInterval",
      "setTimeout",
      "clearTimeout",
    ],
  });
}
