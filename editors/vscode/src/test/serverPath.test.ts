import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, test } from 'node:test';

import {
  bundledPath,
  candidates,
  checkExecutable,
  describeFailure,
  expandHome,
  findServer,
  LookupInput,
} from '../serverPath';

const HOME = '/home/ada';
const EXT = '/ext/keywire-0.1.0';

/** A lookup where exactly the files in `executables` exist and are executable. */
function input(over: Partial<LookupInput> & { executables?: string[] } = {}): LookupInput {
  const executables = new Set(over.executables ?? []);
  return {
    env: over.env ?? { PATH: '/usr/local/bin:/usr/bin' },
    setting: over.setting,
    extensionPath: over.extensionPath ?? EXT,
    home: over.home ?? HOME,
    platform: over.platform ?? 'linux',
    check: over.check ?? ((f) => (executables.has(f) ? null : 'not found')),
  };
}

describe('expandHome', () => {
  test('expands ~ and ~/', () => {
    assert.equal(expandHome('~', HOME, 'linux'), HOME);
    assert.equal(expandHome('~/', HOME, 'linux'), HOME);
    assert.equal(expandHome('~/bin/keywire', HOME, 'linux'), '/home/ada/bin/keywire');
  });
  test('leaves other paths alone', () => {
    assert.equal(expandHome('/opt/~/keywire', HOME, 'linux'), '/opt/~/keywire');
    assert.equal(expandHome('~bob/keywire', HOME, 'linux'), '~bob/keywire');
    assert.equal(expandHome('relative/keywire', HOME, 'linux'), 'relative/keywire');
    assert.equal(expandHome('~\\keywire', HOME, 'linux'), '~\\keywire');
  });
  test('accepts ~\\ on Windows', () => {
    assert.equal(expandHome('~\\bin\\keywire.exe', 'C:\\Users\\ada', 'win32'), 'C:\\Users\\ada\\bin\\keywire.exe');
    assert.equal(expandHome('~/bin/keywire.exe', 'C:\\Users\\ada', 'win32'), 'C:\\Users\\ada\\bin\\keywire.exe');
  });
});

describe('lookup order', () => {
  const all = ['/env/keywire', '/home/ada/tools/keywire', `${EXT}/bundled/keywire`, '/usr/bin/keywire'];
  const env = { KEYWIRE_PATH: '/env/keywire', PATH: '/usr/local/bin:/usr/bin' };

  test('KEYWIRE_PATH comes first', () => {
    const r = findServer(input({ env, setting: '~/tools/keywire', executables: all }));
    assert.deepEqual(r.found, { source: 'KEYWIRE_PATH', path: '/env/keywire' });
    assert.deepEqual(r.rejected, []);
  });

  test('then the keywire.path setting, with ~ expanded', () => {
    const r = findServer(input({ env: { PATH: env.PATH }, setting: '~/tools/keywire', executables: all }));
    assert.deepEqual(r.found, { source: 'keywire.path', path: '/home/ada/tools/keywire' });
  });

  test('then the bundled binary', () => {
    const r = findServer(input({ env: { PATH: env.PATH }, setting: null, executables: all }));
    assert.deepEqual(r.found, { source: 'bundled', path: `${EXT}/bundled/keywire` });
  });

  test('then keywire on PATH, in PATH order', () => {
    const r = findServer(
      input({ env: { PATH: '/usr/local/bin:/usr/bin' }, executables: ['/usr/bin/keywire', '/usr/local/bin/keywire'] }),
    );
    assert.deepEqual(r.found, { source: 'PATH', path: '/usr/local/bin/keywire' });
  });

  test('a broken KEYWIRE_PATH or setting falls through, and is reported', () => {
    const r = findServer(
      input({ env: { KEYWIRE_PATH: '/nope/keywire', PATH: '/usr/bin' }, setting: '~/nope', executables: ['/usr/bin/keywire'] }),
    );
    assert.deepEqual(r.found, { source: 'PATH', path: '/usr/bin/keywire' });
    assert.deepEqual(
      r.rejected.map((x) => [x.candidate.source, x.candidate.path]),
      [
        ['KEYWIRE_PATH', '/nope/keywire'],
        ['keywire.path', '/home/ada/nope'],
        ['bundled', `${EXT}/bundled/keywire`],
      ],
    );
  });

  test('empty and blank values count as unset', () => {
    const c = candidates(input({ env: { KEYWIRE_PATH: '  ', PATH: '' }, setting: '' }));
    assert.deepEqual(c, [{ source: 'bundled', path: `${EXT}/bundled/keywire` }]);
  });

  test('relative and empty PATH entries are skipped, ~ in PATH is expanded', () => {
    const c = candidates(input({ env: { PATH: ':.:bin:~/bin:/usr/bin' } })).filter((x) => x.source === 'PATH');
    assert.deepEqual(
      c.map((x) => x.path),
      ['/home/ada/bin/keywire', '/usr/bin/keywire'],
    );
  });

  test('nothing found: one failure line naming the explicit choices', () => {
    const r = findServer(input({ env: { KEYWIRE_PATH: '/nope/keywire', PATH: '/usr/bin' } }));
    assert.equal(r.found, undefined);
    assert.equal(
      describeFailure(r),
      'KEYWIRE_PATH (/nope/keywire): not found; no bundled binary and no keywire on PATH',
    );
    assert.equal(describeFailure(findServer(input())), 'no bundled binary and no keywire on PATH');
  });

  test('Windows: keywire.exe, PATHEXT, ; separator and Path', () => {
    const r = findServer(
      input({
        platform: 'win32',
        extensionPath: 'C:\\ext',
        home: 'C:\\Users\\ada',
        env: { Path: 'C:\\tools;C:\\bin', PATHEXT: '.COM;.EXE' },
        executables: ['C:\\bin\\keywire.exe'],
      }),
    );
    assert.deepEqual(r.found, { source: 'PATH', path: 'C:\\bin\\keywire.exe' });
    assert.equal(bundledPath('C:\\ext', 'win32'), 'C:\\ext\\bundled\\keywire.exe');
  });
});

describe('checkExecutable', () => {
  test('accepts an executable file, rejects the rest with a reason', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'keywire-lookup-'));
    try {
      const exe = path.join(dir, 'keywire');
      const plain = path.join(dir, 'plain');
      fs.writeFileSync(exe, '#!/bin/sh\n');
      fs.chmodSync(exe, 0o755);
      fs.writeFileSync(plain, '');
      fs.chmodSync(plain, 0o644);
      const check = checkExecutable(fs, 'linux');
      assert.equal(check(exe), null);
      assert.equal(check(path.join(dir, 'missing')), 'not found');
      assert.equal(check(dir), 'not a file');
      // (root passes X_OK when any x bit is set; 0644 has none)
      assert.equal(check(plain), 'not executable');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
