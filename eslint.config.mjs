// @ts-check
// The house rules of ../shared/STYLE.md that a linter can hold (the formatter is Prettier):
// one door to Docker, components import server code only as types, type over interface,
// `import type`, no `any` in lib/.
import js from "@eslint/js";
import globals from "globals";
import tseslint from "typescript-eslint";

// Modules a client component may import as values: hooks and pure code (no fs, database or engine).
const SERVER_MODULE =
  "^@/lib/(?!queries/|(?:[^/]+/)*(?:classify|language|plan)/|api/contract/|auth/roles$|auth/password-rules$|archives/saving$|changes/tree/tree-model$)";

export default tseslint.config(
  { ignores: ["node_modules/**", ".next/**", "lib/generated/**", "e2e/.artifacts/**", "next-env.d.ts"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    rules: {
      "@typescript-eslint/consistent-type-definitions": ["error", "type"],
      "@typescript-eslint/consistent-type-imports": ["error", { fixStyle: "inline-type-imports" }],
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrors: "none" }],
      // Control characters in patterns are deliberate here: names from containers are checked for them.
      "no-control-regex": "off",
      "no-empty": ["error", { allowEmptyCatch: true }],
      "no-restricted-imports": [
        "error",
        { paths: [{ name: "dockerode", message: "Only lib/docker talks to Docker (STYLE.md: one door to Docker)." }] },
      ],
    },
  },
  { files: ["lib/docker/**"], rules: { "no-restricted-imports": "off" } },
  { files: ["lib/**/*.ts"], ignores: ["lib/**/*.test.ts"], rules: { "@typescript-eslint/no-explicit-any": "error" } },
  {
    files: ["components/**/*.ts", "components/**/*.tsx"],
    rules: {
      "@typescript-eslint/no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              regex: SERVER_MODULE,
              allowTypeImports: true,
              message:
                "Components run in the browser: import server modules (database, engine, files) only as types; data comes through lib/queries hooks.",
            },
          ],
        },
      ],
    },
  },
);
