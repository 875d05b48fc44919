import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';

import { DOCUMENT_SELECTOR } from '../selector';

// The glob semantics VS Code applies to `pattern` for the patterns used here: `**/` is any
// folder prefix, `*` any run of characters without `/`, `{a,b}` either.
function globMatches(pattern: string, path: string): boolean {
  const re = pattern
    .split('**/')
    .map((part) =>
      part
        .split('*')
        .map((s) =>
          s
            .replace(/[.+?^$()|[\]\\]/g, '\\$&')
            .replace(/\{([^}]*)\}/g, (_, alts: string) => `(?:${alts.split(',').join('|')})`),
        )
        .join('[^/]*'),
    )
    .join('(?:.*/)?');
  return new RegExp(`^${re}$`).test(path);
}

function selects(doc: { scheme: string; language: string; path: string; notebook?: string }): boolean {
  return DOCUMENT_SELECTOR.some((f) => {
    if ('notebook' in f) {
      return doc.notebook === f.notebook && doc.language === f.language;
    }
    return (
      doc.notebook === undefined &&
      f.scheme === doc.scheme &&
      (f.language === undefined || f.language === doc.language) &&
      (f.pattern === undefined || globMatches(f.pattern, doc.path))
    );
  });
}

describe('document selector', () => {
  test('Python files and .env files', () => {
    assert.ok(selects({ scheme: 'file', language: 'python', path: '/w/app.py' }));
    assert.ok(selects({ scheme: 'untitled', language: 'python', path: 'Untitled-1' }));
    assert.ok(selects({ scheme: 'file', language: 'dotenv', path: '/w/.env' }));
    assert.ok(selects({ scheme: 'file', language: 'plaintext', path: '/w/.env.local' }));
  });

  test('OAI_CONFIG_LIST files, whatever language VS Code gives them', () => {
    assert.ok(selects({ scheme: 'file', language: 'plaintext', path: '/w/OAI_CONFIG_LIST' }));
    assert.ok(selects({ scheme: 'file', language: 'json', path: '/w/sub/OAI_CONFIG_LIST.json' }));
    assert.ok(selects({ scheme: 'file', language: 'plaintext', path: '/w/OAI_CONFIG_LIST_sample' }));
    assert.ok(!selects({ scheme: 'file', language: 'json', path: '/w/package.json' }));
  });

  test('dependency manifests, not other text', () => {
    assert.ok(selects({ scheme: 'file', language: 'pip-requirements', path: '/w/requirements.txt' }));
    assert.ok(selects({ scheme: 'file', language: 'plaintext', path: '/w/app/requirements-dev.txt' }));
    assert.ok(selects({ scheme: 'file', language: 'plaintext', path: '/w/requirements/base.in' }));
    assert.ok(selects({ scheme: 'file', language: 'toml', path: '/w/pyproject.toml' }));
    assert.ok(selects({ scheme: 'file', language: 'toml', path: '/w/Pipfile' }));
    assert.ok(selects({ scheme: 'file', language: 'ini', path: '/w/setup.cfg' }));
    assert.ok(selects({ scheme: 'file', language: 'yaml', path: '/w/environment.yml' }));
    assert.ok(!selects({ scheme: 'file', language: 'plaintext', path: '/w/notes.txt' }));
    assert.ok(!selects({ scheme: 'file', language: 'toml', path: '/w/Cargo.toml' }));
  });

  test('compose files and Dockerfiles, not other YAML', () => {
    assert.ok(selects({ scheme: 'file', language: 'dockercompose', path: '/w/compose.yaml' }));
    assert.ok(selects({ scheme: 'file', language: 'yaml', path: '/w/compose.yaml' }));
    assert.ok(selects({ scheme: 'file', language: 'yaml', path: '/w/deploy/docker-compose.override.yml' }));
    assert.ok(selects({ scheme: 'file', language: 'dockerfile', path: '/w/Dockerfile.prod' }));
    assert.ok(!selects({ scheme: 'file', language: 'yaml', path: '/w/config/settings.yml' }));
  });

  test('GitHub Actions workflows, as the GitHub Actions extension or plain YAML', () => {
    const ci = '/w/.github/workflows/ci.yml';
    assert.ok(selects({ scheme: 'file', language: 'github-actions-workflow', path: ci }));
    assert.ok(selects({ scheme: 'file', language: 'yaml', path: ci }));
    assert.ok(selects({ scheme: 'file', language: 'yaml', path: '/w/.github/workflows/release.yaml' }));
    assert.ok(!selects({ scheme: 'file', language: 'yaml', path: '/w/.github/dependabot.yml' }));
  });

  test('Python cells of Jupyter notebooks, not markdown cells', () => {
    const cell = { scheme: 'vscode-notebook-cell', path: '/w/nb.ipynb', notebook: 'jupyter-notebook' };
    assert.ok(selects({ ...cell, language: 'python' }));
    assert.ok(!selects({ ...cell, language: 'markdown' }));
  });

  test('package.json activates on notebooks and OAI_CONFIG_LIST files', () => {
    const pkg = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8'));
    const events: string[] = pkg.activationEvents;
    assert.ok(events.includes('onNotebook:jupyter-notebook'), JSON.stringify(events));
    assert.ok(events.includes('workspaceContains:**/OAI_CONFIG_LIST*'), JSON.stringify(events));
    assert.ok(events.includes('onLanguage:dockercompose'), JSON.stringify(events));
    assert.ok(events.includes('onLanguage:dockerfile'), JSON.stringify(events));
    assert.ok(events.includes('onLanguage:github-actions-workflow'), JSON.stringify(events));
    assert.ok(events.includes('workspaceContains:.github/workflows/*.y*ml'), JSON.stringify(events));
  });
});
