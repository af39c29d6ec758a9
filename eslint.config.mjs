import tseslint from 'typescript-eslint';
import { fixupPluginRules } from '@eslint/compat';
import sfPlugin from 'eslint-plugin-sf-plugin';

export default tseslint.config(
  { ignores: ['lib/**', 'node_modules/**', 'bin/**', '*.mjs', 'scripts/**/*.js'] },
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['src/**/*.ts'],
    // The sf plugin rules predate ESLint 9's API; fixupPluginRules supplies the removed context methods.
    plugins: { 'sf-plugin': fixupPluginRules(sfPlugin) },
    rules: { ...sfPlugin.configs.recommended.rules },
  },
  {
    files: ['test/**/*.ts', 'emulator/**/*.ts', 'scripts/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unused-expressions': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
    },
  }
);
