/** Real-engine tests: the built Pulumi CLI against the local control plane (scripts/test-integration.sh). */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/test/integration"],
  testMatch: ["**/*.test.ts"],
  transform: {
    "^.+\\.ts$": ["ts-jest", { diagnostics: false }],
  },
  // The suite runs the program as Pulumi does, from bin/: build it when stale (also when jest is run directly).
  globalSetup: "<rootDir>/scripts/program-build.js",
  testTimeout: 15 * 60 * 1000,
  maxWorkers: 1,
};
