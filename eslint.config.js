import js from '@eslint/js';
import globals from 'globals';
import reactHooks from 'eslint-plugin-react-hooks';
import tseslint from 'typescript-eslint';

// Regular expressions: in ESLint's gitignore-style groups a leading # starts a comment.
const noServer = { regex: String.raw`^(#server/|(\.\./)+server/)`, message: 'The client never imports server code; what both need lives in shared/.' };
const noRelativeRoots = { group: ['../**/shared/*', '../**/server/*'], message: 'Import shared/ and server/ code as #shared/… and #server/….' };
const noClient = { regex: String.raw`^(\.\./)+client/`, message: 'The server never imports client code; what both need lives in shared/.' };
const noRoutesOfModules = {
  regex: String.raw`(^#server/modules/|^\.\./)[^/]+/[^/]+\.routes\.ts$`,
  message: "A module's routes are mounted by app.ts only; what another module needs is in its use cases.",
};
const noOuterLayers = { regex: String.raw`^#server/(cli/|app\.ts$)`, message: 'Modules are used by the app and the CLI, never the other way round.' };
const noModules = { regex: String.raw`^#server/modules/`, message: 'The database layer is below the modules: it never imports them.' };
const noOtherFeaturesInsides = {
  // ../other/components/… from a feature's top, ../../other/hooks/… from one of its folders; not ../../components/ (the app's own).
  regex: String.raw`^\.\./(\.\./)?(?!\.\.)[^/]+/(components|hooks)/`,
  message: "Another feature's components and hooks are its own: use its api/ hooks or its page.",
};

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'migrations/', 'coverage/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['client/**/*.tsx'],
    plugins: { 'react-hooks': reactHooks },
    rules: { 'react-hooks/rules-of-hooks': 'error', 'react-hooks/exhaustive-deps': 'warn' },
  },
  {
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  // Where code may reach. The repo's shared code is imported as #shared/… and the server's as
  // #server/… (package.json "imports"), never by ../ chains that break when a file moves.
  ...boundaries({
    'client/**': [noServer, noRelativeRoots],
    'client/src/features/**': [noServer, noRelativeRoots, noOtherFeaturesInsides],
    'shared/**': [{ regex: String.raw`^(#server/|(\.\./)+(server|client)/)`, message: 'shared/ is used by the server and the client, and imports neither.' }],
    'server/**': [noClient, noRelativeRoots],
    'server/modules/**': [noClient, noRelativeRoots, noRoutesOfModules, noOuterLayers],
    'server/db/**': [noClient, noRelativeRoots, noModules],
    'tests/**': [noRelativeRoots],
    'bench/**': [noRelativeRoots],
  }),
);

/**
 * One no-restricted-imports setting per file pattern, each listing every rule for those files:
 * ESLint applies only the last setting of a rule that matches a file, so settings cannot be stacked.
 */
function boundaries(patternsByFiles) {
  return Object.entries(patternsByFiles).map(([files, patterns]) => ({ files: [files], rules: { 'no-restricted-imports': ['error', { patterns }] } }));
}
