import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { initializationOptions, needsRestart, RESTART_SETTINGS } from '../settings';

describe('initializationOptions', () => {
  test('defaults: info, project selection, nothing ignored', () => {
    assert.deepEqual(initializationOptions({}), { logLevel: 'info', select: null, ignore: [], severity: {} });
  });

  test('passes the settings through', () => {
    assert.deepEqual(
      initializationOptions({
        logLevel: 'debug',
        select: ['KW1', 'KW301'],
        ignore: ['KW204'],
        severity: { KW101: 'error', 'placeholder-value': 'off' },
      }),
      {
        logLevel: 'debug',
        select: ['KW1', 'KW301'],
        ignore: ['KW204'],
        severity: { KW101: 'error', 'placeholder-value': 'off' },
      },
    );
  });

  test('assumeDefined only when set', () => {
    assert.deepEqual(initializationOptions({ assumeDefined: ['OPENAI_API_KEY', ''] }).assumeDefined, ['OPENAI_API_KEY']);
    assert.equal('assumeDefined' in initializationOptions({ assumeDefined: [] }), false);
  });

  test('drops what the server would reject', () => {
    assert.deepEqual(
      initializationOptions({
        logLevel: 'loud',
        select: ['', '  ', 3, ' KW1 '],
        ignore: 'KW204',
        severity: { KW101: 'fatal', KW102: 'Warning', '': 'error', KW103: 1 },
      }),
      { logLevel: 'info', select: ['KW1'], ignore: [], severity: { KW102: 'warning' } },
    );
    assert.deepEqual(initializationOptions({ severity: ['error'] }).severity, {});
  });
});

describe('needsRestart', () => {
  test('rule and server settings restart; trace does not', () => {
    for (const s of RESTART_SETTINGS) {
      assert.equal(needsRestart((x) => x === s), true, s);
    }
    assert.equal(needsRestart((x) => x === 'keywire.trace.server'), false);
    assert.equal(needsRestart((x) => x === 'editor.fontSize'), false);
  });
});
