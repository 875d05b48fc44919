import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'out/', 'node_modules/', 'e2e/', 'bundled/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['src/**/*.ts'],
    rules: {
      eqeqeq: 'error',
      curly: 'error',
      'no-console': 'error',
      '@typescript-eslint/no-floating-promises': 'off',
    },
  },
);
