// Bundles the extension into dist/extension.js (one file, `vscode` external), or with --tests the
// unit tests into out/test/*.test.js for `node --test`.
import * as esbuild from 'esbuild';
import { readdirSync, rmSync } from 'node:fs';

const production = process.argv.includes('--production');
const tests = process.argv.includes('--tests');

if (tests) {
  rmSync('out', { recursive: true, force: true });
  await esbuild.build({
    entryPoints: readdirSync('src/test')
      .filter((f) => f.endsWith('.test.ts'))
      .map((f) => `src/test/${f}`),
    outdir: 'out/test',
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node18',
    sourcemap: 'inline',
    logLevel: 'warning',
  });
} else {
  rmSync('dist', { recursive: true, force: true });
  await esbuild.build({
    entryPoints: ['src/extension.ts'],
    outfile: 'dist/extension.js',
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node18',
    external: ['vscode'],
    minify: production,
    sourcemap: !production,
    logLevel: 'warning',
  });
}
