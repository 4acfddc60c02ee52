import globals from 'globals';
import neostandard, { resolveIgnoresFromGitignore } from 'neostandard';

// neostandard, bent to the style the code already has (semicolons, `function name()`, aligned tables,
// several properties on a line, operators leading a continued line), so what remains is worth fixing.
const configs = [
  ...neostandard({ ts: true, semi: true, noJsx: true, ignores: [...resolveIgnoresFromGitignore(), 'vendor/**'] }),
  {
    rules: {
      '@stylistic/max-len': ['error', {
        code: 120, ignoreUrls: true, ignoreStrings: true, ignoreTemplateLiterals: true, ignoreRegExpLiterals: true,
      }],
      '@stylistic/space-before-function-paren': ['error', { anonymous: 'always', named: 'never', asyncArrow: 'always' }],
      '@stylistic/generator-star-spacing': ['error', { before: false, after: true, method: { before: true, after: false } }],
      '@stylistic/comma-dangle': ['error', 'only-multiline'],
      '@stylistic/quotes': ['error', 'single', { avoidEscape: true, allowTemplateLiterals: true }],
      '@stylistic/operator-linebreak': ['error', 'before', { overrides: { '=': 'after' } }],
      // Tables of routes, roles and expectations are aligned by hand on purpose.
      '@stylistic/no-multi-spaces': 'off',
      '@stylistic/key-spacing': ['error', { mode: 'minimum' }],
      '@stylistic/object-property-newline': 'off',
      '@stylistic/multiline-ternary': 'off',
      '@stylistic/lines-between-class-members': 'off',
      // `void promise` marks a deliberate fire-and-forget.
      'no-void': ['error', { allowAsStatement: true }],
      // Loops wait on flags that timers and callbacks set, which the rule cannot see.
      'no-unmodified-loop-condition': 'off',
      'promise/param-names': 'off',
      // Chinese text is set with full-width spaces (U+3000) in notices and their tests.
      'no-irregular-whitespace': ['error', { skipStrings: true, skipTemplates: true }],
    },
  },
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', {
        argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_',
      }],
    },
  },
  {
    // Progressive enhancement for old browsers: plain ES5 scripts.
    files: ['public/**/*.js'],
    languageOptions: { globals: globals.browser, sourceType: 'script' },
    rules: { 'no-var': 'off' },
  },
];

const styleRules = [...new Set(configs.flatMap((config) => Object.keys(config.rules ?? {})))]
  .filter((rule) => rule.startsWith('@stylistic/'));

export default [
  ...configs,
  {
    // Migrations are frozen: a migration that ran must stay byte for byte what ran, so layout rules
    // do not apply to them (the rules about meaning still do).
    files: ['migrations/**'],
    rules: Object.fromEntries(styleRules.map((rule) => [rule, 'off'])),
  },
];
