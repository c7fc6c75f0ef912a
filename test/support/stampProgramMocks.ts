/**
 * Mocks of a whole stamp program run (index.ts) as a preview of the shipped stack file, for the
 * program tests that each need their own jest module (mocks are per test file).
 */
import { installMocks, Recorded } from "../mocks";
import { readStackFile } from "../stackFiles";
import { stampMockInvokes, stampMockOutputs } from "../stampMocks";
import { withTestPins } from "./testPins";

/**
 * Installs the mocks for `stack` (its stack file, secrets "sp-secret-value"). `ownOutputs`, when
 * given, are the stack's own last outputs behind `<stack>-own-outputs` (the StackReference a
 * cluster-phase run reads); other StackReferences get the global stack's mocked exports.
 */
export function installStampProgramMocks(
  stack: string,
  ownOutputs?: Record<string, unknown>,
): Recorded[] {
  const { config, secretKeys } = readStackFile(stack, "sp-secret-value");
  const base = stampMockOutputs(stack);
  const outputs = ownOutputs
    ? {
        ...base,
        "pulumi:pulumi:StackReference": (a: Parameters<(typeof base)[string]>[0]) =>
          a.name === `${stack}-own-outputs`
            ? { outputs: ownOutputs, secretOutputNames: [] }
            : base["pulumi:pulumi:StackReference"](a),
      }
    : base;
  return installMocks({
    config,
    secretKeys,
    stack,
    preview: true,
    outputs,
    invokes: stampMockInvokes(stack),
  });
}

/**
 * Mocks of a stamp program run as an update (not a preview) of the shipped stack file with the
 * stand-in download pins (test/support/testPins.ts) of the checkout at `root`: what the bench's eval
 * child and test/prebuiltClosures.test.ts run the compiled program under.
 */
export function installPinnedStampMocks(stack: string, root: string): Recorded[] {
  const { config, secretKeys } = readStackFile(stack, "sp-secret-value");
  withTestPins(config, root);
  return installMocks({
    config,
    secretKeys,
    stack,
    outputs: stampMockOutputs(stack),
    invokes: stampMockInvokes(stack),
  });
}
