// ESLint (flat config): typescript-eslint's recommended rules over the TypeScript and JavaScript of the repository;
// formatting is Prettier's (eslint-config-prettier turns off the rules it owns). `npm run lint` runs both.
import eslint from '@eslint/js';
import prettier from 'eslint-config-prettier';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'coverage/', 'artifacts/', 'data/', 'partner-data/', '.engines/'] },
  eslint.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      // `_name` marks a value left unused on purpose (a destructured field dropped, a parameter an interface requires).
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
    },
  },
  { files: ['**/*.js', '**/*.cjs'], rules: { '@typescript-eslint/no-require-imports': 'off' } },
  // Tests read the exchange's JSON answers and check them with expect: `any` there is the answer before it is checked.
  { files: ['test/**/*.ts', '**/*.spec.ts', '**/*.int-spec.ts'], rules: { '@typescript-eslint/no-explicit-any': 'off' } },
  { files: ['apps/console/src/**/*.{ts,tsx}'], languageOptions: { globals: { ...globals.browser } } },
  prettier,
);
