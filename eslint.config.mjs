import tseslint from "typescript-eslint";
import pulumi from "@pulumi/eslint-plugin";

// lib/ and config/ are pure: no Pulumi runtime, processes or files (types from @pulumi/* are fine,
// they vanish at compile time). Dynamic resources live in providers/, runtime glue in stacks/.
// require() is refused everywhere by @typescript-eslint/no-require-imports, so imports are the door.
const runtimeImports = {
  group: ["@pulumi/*", "@pulumi/*/**"],
  allowTypeImports: true,
  message:
    "pure code: resources and the Pulumi runtime belong in components/, providers/ or stacks/",
};
const ioImports = (modules) => ({
  group: modules.flatMap((m) => [m, `node:${m}`, `${m}/*`, `node:${m}/*`]),
  message: "pure code: processes, files and sockets belong in providers/ or scripts/",
});

export default tseslint.config(
  {
    ignores: [
      "node_modules/",
      "sdks/",
      ".toolchain/",
      ".local/",
      "out/",
      "bin/",
      "**/*.js",
      "**/*.mjs",
    ],
  },
  ...tseslint.configs.recommended,
  {
    files: ["**/*.ts"],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { "@pulumi": pulumi },
    rules: {
      "@pulumi/no-output-in-template-literal": "error",
      "@pulumi/no-output-instance-in-template-literal": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_" }],
    },
  },
  {
    files: ["config/**/*.ts"],
    rules: {
      "@typescript-eslint/no-restricted-imports": [
        "error",
        // config/ validates IP addresses with node:net's pure isIPv4/isIPv6.
        { patterns: [runtimeImports, ioImports(["child_process", "fs"])] },
      ],
    },
  },
  {
    files: ["lib/**/*.ts"],
    rules: {
      "@typescript-eslint/no-restricted-imports": [
        "error",
        { patterns: [runtimeImports, ioImports(["child_process", "fs", "net", "http", "https"])] },
      ],
    },
  },
);
