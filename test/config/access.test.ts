/**
 * `access.tokenGeneration` names the viewer's and deployer's token Secrets
 * (`<identity>-token-g<generation>`, lib/clusterAccess.ts): only a whole number from 1 to 9999
 * reaches a Kubernetes object name; anything else is refused naming the key, before any resource.
 */
import { show } from "../../config/issues";
import { problemsOf, stamp } from "./support";

const RANGE = "must be a whole number from 1 to 9999";
const NUMBER = "must be of type number";

test.each<[string, unknown, string]>([
  ["a shell command", "1; reboot", NUMBER],
  ["a command substitution", "$(reboot)", NUMBER],
  ["a name with a slash", "1/../../x", NUMBER],
  ["a newline", "1\nx", NUMBER],
  ["an exponent string", "1e3", NUMBER],
  ["zero", 0, RANGE],
  ["a negative number", -1, RANGE],
  ["a fraction", 1.5, RANGE],
  ["too large", 10000, RANGE],
])("%s is refused naming access.tokenGeneration", (_what, value, message) => {
  expect(problemsOf("seattle", stamp({ access: { tokenGeneration: value } }))).toEqual([
    `access.tokenGeneration: ${show(value)} ${message}`,
  ]);
});

test("a whole number in range passes; unset it is 1", () => {
  expect(problemsOf("seattle", stamp({ access: { tokenGeneration: 42 } }))).toEqual([]);
  expect(problemsOf("seattle", stamp())).toEqual([]);
});
