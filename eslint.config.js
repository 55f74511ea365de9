import js from "@eslint/js";
import tseslint from "typescript-eslint";
import react from "eslint-plugin-react";
import reactHooks from "eslint-plugin-react-hooks";
import jsxA11y from "eslint-plugin-jsx-a11y";
import prettier from "eslint-config-prettier";
import globals from "globals";

export default tseslint.config(
  {
    ignores: [
      "build/**",
      "node_modules/**",
      "data/**",
      "coverage/**",
      "bench/results/**",
      "bench/pages/bare/build/**",
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ["**/*.{ts,tsx,js,mjs}"],
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    rules: {
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_" },
      ],
      "@typescript-eslint/consistent-type-imports": ["error", { fixStyle: "inline-type-imports" }],
      "no-control-regex": "off",
    },
  },
  {
    files: ["app/**/*.tsx"],
    plugins: { react, "react-hooks": reactHooks, "jsx-a11y": jsxA11y },
    settings: { react: { version: "detect" } },
    rules: {
      ...react.configs.recommended.rules,
      ...react.configs["jsx-runtime"].rules,
      ...reactHooks.configs.recommended.rules,
      ...jsxA11y.flatConfigs.strict.rules,
      "react/prop-types": "off",
      // A skip link's target must take focus.
      "jsx-a11y/no-noninteractive-tabindex": ["error", { tags: ["main"] }],
    },
  },
  {
    // Route and component files never touch the database: data access lives in services.
    files: ["app/routes/**", "app/components/**", "app/root.tsx"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            { group: ["**/db/*", "kysely", "sqlite3"], message: "Call a service instead." },
          ],
        },
      ],
    },
  },
  {
    // The domain is pure: the enums, limits and rules live here, and db/schema.ts imports them, not
    // the other way round.
    files: ["app/domain/**"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              group: ["**/db", "**/db/*", "kysely", "sqlite3", "**/services/*", "~/services/*"],
              message: "The domain imports nothing from db/ or services/.",
            },
          ],
        },
      ],
    },
  },
  {
    // Migrations are frozen and stand alone.
    files: ["db/migrations/**"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            { group: ["**/app/*", "~/*"], message: "Migrations import nothing from app/." },
          ],
        },
      ],
    },
  },
  prettier,
);
