/** scripts/lib/benchEngine.ts: the pure parts of the bench's real-engine rows. */
import { childrenCpuMs, fleetFloor } from "../scripts/lib/benchEngine";

test.each([
  ["0m0.004s 0m0.002s\n0m4.210s 0m0.820s\n", 5030],
  ["0m0.004s 0m0.002s\n1m2.5s 0m0s", 62500],
  ["0m4.210s 0m0.820s", 5030],
  ["preview failed\n", undefined],
  ["0m4.210s 0m0.820s\nsomething after", undefined],
  ["", undefined],
])("children's CPU from `times` output %j: %s ms", (out, ms) => {
  expect(childrenCpuMs(out)).toBe(ms);
});

// one run 7 s of which the stack's preview 5 s: the runner's own part is 2 s.
test.each([
  // n, cores, stack CPU: the waves (ceil(n/2) x 5 s) or the CPU over the cores, whichever is longer
  [1, 2, 5000, 2000 + 5000],
  [4, 2, 5000, 2000 + 10000],
  [4, 2, 6000, 2000 + 12000],
  [4, 8, 6000, 2000 + 10000],
  [16, 2, 6000, 2000 + 48000],
  [16, 64, 6000, 2000 + 40000],
])("fleetFloor(%d stacks, %d cores, stack CPU %d ms) = %d ms", (n, cores, cpu, floor) => {
  expect(fleetFloor(n, 7000, 5000, cpu, cores)).toBe(floor);
});

test("a runner faster than one stack's preview has no negative part", () => {
  expect(fleetFloor(4, 4000, 5000, 5000, 2)).toBe(10000);
});
