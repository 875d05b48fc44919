// Checks editors/helix/languages.toml (Helix is not installable from the package registries here,
// so this stands in for `hx --health`):
//   - the file parses as TOML and defines [language-server.keywire] with command "keywire", args ["lsp"];
//   - python restates Helix's default python servers, in order, with keywire last;
//   - env (Helix's language for .env / .env.*) uses keywire;
//   - json restates Helix's default json file types, adds OAI_CONFIG_LIST* and keywire;
//   - docs/editors/helix.md shows the same configuration;
//   - the configured command, run the way Helix runs it (stdio, languageId "env" / "python" /
//     "json", `config` as initializationOptions), answers LSP and reports the fixture's mistakes,
//     in OAI_CONFIG_LIST and in notebook.ipynb (as JSON text) too.
//     Needs KEYWIRE_BIN (the binary standing in for `keywire` on PATH); skipped without it.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parse } from 'smol-toml';

const HERE = dirname(fileURLToPath(import.meta.url));
const HELIX = join(HERE, '..');
const ROOT = join(HELIX, '..', '..');
const config = parse(readFileSync(join(HELIX, 'languages.toml'), 'utf8'));

// Helix's default `language-servers` for python, from helix-editor/helix languages.toml at the
// 25.07 / 25.07.1 releases (master later appended "zuban"). Update both lists together.
const HELIX_PYTHON_DEFAULTS = ['ty', 'ruff', 'jedi', 'pylsp'];
// Helix's default json `file-types` (25.07 and master, which added the lock files at the end).
const HELIX_JSON_DEFAULTS = [
  'json', 'arb', 'ipynb', 'geojson', 'gltf', 'webmanifest', 'js.map', 'ts.map', 'css.map', 'jsonl',
  'avsc', 'ldtk', 'ldtkl', 'sublime-build', 'sublime-color-scheme', 'sublime-commands',
  'sublime-completions', 'sublime-keymap', 'sublime-macro', 'sublime-menu', 'sublime-mousemap',
  'sublime-project', 'sublime-settings', 'sublime-theme', 'sublime-workspace', 'code-workspace',
  { glob: 'flake.lock' }, { glob: '.babelrc' }, { glob: '.bowerrc' }, { glob: '.jscrc' },
  { glob: '.jslintrc' }, { glob: '.vuerc' }, { glob: 'composer.lock' }, { glob: '.watchmanconfig' },
  { glob: '.swift-format' }, { glob: '.pytest_cache/v/cache/*' },
];
const INIT_OPTION_KEYS = ['logLevel', 'select', 'ignore', 'severity', 'assumeDefined'];

const language = (cfg, name) => (cfg.language ?? []).find((l) => l.name === name);

test('[language-server.keywire] runs `keywire lsp`', () => {
  const server = config['language-server']?.keywire;
  assert.ok(server, 'no [language-server.keywire]');
  assert.equal(server.command, 'keywire');
  assert.deepEqual(server.args, ['lsp']);
  for (const key of Object.keys(server.config ?? {})) {
    assert.ok(INIT_OPTION_KEYS.includes(key), `unknown initialization option ${key}`);
  }
  // Only keys Helix knows for a language server.
  for (const key of Object.keys(server)) {
    assert.ok(['command', 'args', 'config', 'environment', 'timeout', 'required-root-patterns'].includes(key), key);
  }
});

test("python: Helix's default servers, then keywire", () => {
  const python = language(config, 'python');
  assert.ok(python, 'no [[language]] python');
  assert.deepEqual(python['language-servers'], [...HELIX_PYTHON_DEFAULTS, 'keywire']);
});

test('env (.env, .env.*): keywire', () => {
  const env = language(config, 'env');
  assert.ok(env, 'no [[language]] env');
  assert.deepEqual(env['language-servers'], ['keywire']);
});

test("json: Helix's default file types and OAI_CONFIG_LIST*, Helix's default server, then keywire", () => {
  const json = language(config, 'json');
  assert.ok(json, 'no [[language]] json');
  assert.deepEqual(json['language-servers'], ['vscode-json-language-server', 'keywire']);
  const types = json['file-types'].map((t) => JSON.stringify(t));
  for (const t of HELIX_JSON_DEFAULTS) {
    assert.ok(types.includes(JSON.stringify(t)), `json file-types lost Helix's ${JSON.stringify(t)}`);
  }
  assert.ok(types.includes(JSON.stringify({ glob: 'OAI_CONFIG_LIST*' })), 'no OAI_CONFIG_LIST* glob');
  // Helix matches a glob against the file name and the path: the names keywire reads.
  const glob = /^OAI_CONFIG_LIST.*$/;
  for (const name of ['OAI_CONFIG_LIST', 'OAI_CONFIG_LIST.json', 'OAI_CONFIG_LIST_sample']) {
    assert.ok(glob.test(name), name);
  }
});

test('docker-compose, dockerfile and yaml: Helix\'s default servers, then keywire', () => {
  const compose = language(config, 'docker-compose');
  assert.ok(compose, 'no [[language]] docker-compose');
  assert.deepEqual(compose['language-servers'], ['docker-compose-langserver', 'yaml-language-server', 'keywire']);
  const globs = compose['file-types'].map((t) => t.glob);
  for (const name of ['docker-compose.yaml', 'docker-compose.yml', 'compose.yaml', 'compose.yml', 'compose.override.yaml']) {
    assert.ok(globs.includes(name), name);
  }
  assert.deepEqual(language(config, 'dockerfile')['language-servers'], ['docker-langserver', 'keywire']);
  assert.deepEqual(language(config, 'yaml')['language-servers'], ['yaml-language-server', 'ansible-language-server', 'keywire']);
});

test('only python, env, json, docker-compose, dockerfile and yaml are changed: their server lists, and file types where needed', () => {
  assert.deepEqual(
    (config.language ?? []).map((l) => l.name).sort(),
    ['docker-compose', 'dockerfile', 'env', 'json', 'python', 'yaml'],
  );
  for (const l of config.language) {
    const withTypes = ['json', 'docker-compose'].includes(l.name);
    const keys = withTypes ? ['file-types', 'language-servers', 'name'] : ['language-servers', 'name'];
    assert.deepEqual(Object.keys(l).sort(), keys, l.name);
  }
});

test('docs/editors/helix.md shows this configuration', () => {
  const doc = readFileSync(join(ROOT, 'docs', 'editors', 'helix.md'), 'utf8');
  const blocks = [...doc.matchAll(/```toml\n([\s\S]*?)```/g)].map((m) => parse(m[1]));
  const full = blocks.find((b) => b['language-server']?.keywire && b.language);
  assert.ok(full, 'no ```toml block with [language-server.keywire] and [[language]] in helix.md');
  assert.deepEqual(full['language-server'].keywire.command, config['language-server'].keywire.command);
  assert.deepEqual(full['language-server'].keywire.args, config['language-server'].keywire.args);
  assert.deepEqual(language(full, 'python')['language-servers'], language(config, 'python')['language-servers']);
  assert.deepEqual(language(full, 'env')['language-servers'], language(config, 'env')['language-servers']);
  assert.deepEqual(language(full, 'json'), language(config, 'json'));
  for (const name of ['docker-compose', 'dockerfile', 'yaml']) {
    assert.deepEqual(language(full, name), language(config, name), name);
  }
});

/** A minimal stdio LSP client: Content-Length framing, requests, notifications. */
function lspClient(cmd, args) {
  const proc = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'] });
  let buf = Buffer.alloc(0);
  let nextId = 1;
  const pending = new Map();
  const listeners = [];
  let stderr = '';
  proc.stderr.on('data', (d) => { stderr += d; });
  proc.stdout.on('data', (chunk) => {
    buf = Buffer.concat([buf, chunk]);
    for (;;) {
      const end = buf.indexOf('\r\n\r\n');
      if (end < 0) return;
      const len = Number(/Content-Length: (\d+)/i.exec(buf.subarray(0, end).toString())?.[1]);
      if (buf.length < end + 4 + len) return;
      const msg = JSON.parse(buf.subarray(end + 4, end + 4 + len).toString());
      buf = buf.subarray(end + 4 + len);
      if (msg.id !== undefined && !msg.method && pending.has(msg.id)) {
        pending.get(msg.id)(msg);
        pending.delete(msg.id);
      } else if (msg.method && msg.id !== undefined) {
        // server -> client request (registerCapability, workDoneProgress/create): accept
        send({ jsonrpc: '2.0', id: msg.id, result: null });
      } else {
        for (const l of listeners) l(msg);
      }
    }
  });
  const send = (msg) => {
    const s = JSON.stringify(msg);
    proc.stdin.write(`Content-Length: ${Buffer.byteLength(s)}\r\n\r\n${s}`);
  };
  return {
    proc,
    stderr: () => stderr,
    request: (method, params) => new Promise((resolve) => {
      const id = nextId++;
      pending.set(id, resolve);
      send({ jsonrpc: '2.0', id, method, params });
    }),
    notify: (method, params) => send({ jsonrpc: '2.0', method, params }),
    onNotification: (fn) => listeners.push(fn),
  };
}

/** Starts the configured server on a copy of the fixture workspace, opens app.py and .env. */
async function openFixture(initializationOptions) {
  const server = config['language-server'].keywire;
  const ws = mkdtempSync(join(tmpdir(), 'keywire-helix-'));
  cpSync(join(ROOT, 'tests', 'editors', 'workspace'), ws, { recursive: true });
  // `command` is "keywire" on PATH; the binary under test stands in for it.
  const client = lspClient(process.env.KEYWIRE_BIN, server.args);
  const diags = new Map();
  client.onNotification((m) => {
    if (m.method === 'textDocument/publishDiagnostics') diags.set(m.params.uri, m.params.diagnostics);
  });
  const init = await client.request('initialize', {
    processId: process.pid,
    clientInfo: { name: 'helix', version: '25.07.1' },
    rootUri: pathToFileURL(ws).href,
    workspaceFolders: [{ uri: pathToFileURL(ws).href, name: 'workspace' }],
    initializationOptions,
    capabilities: {
      general: { positionEncodings: ['utf-8', 'utf-32', 'utf-16'] },
      textDocument: { publishDiagnostics: { relatedInformation: true }, codeAction: {} },
    },
  });
  client.notify('initialized', {});
  const open = (name, languageId) => {
    const uri = pathToFileURL(join(ws, name)).href;
    client.notify('textDocument/didOpen', {
      textDocument: { uri, languageId, version: 0, text: readFileSync(join(ws, name), 'utf8') },
    });
    return uri;
  };
  const env = open('.env', 'env');
  const py = open('app.py', 'python');
  // Helix's json language: OAI_CONFIG_LIST through the glob, .ipynb by extension.
  const list = open('OAI_CONFIG_LIST', 'json');
  const nb = open('notebook.ipynb', 'json');
  const codes = (uri) => (diags.get(uri) ?? []).map((d) => d.code).sort();
  const settled = async (pred) => {
    const deadline = Date.now() + 30000;
    while (Date.now() < deadline && !pred()) {
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  const close = async () => {
    try {
      await Promise.race([client.request('shutdown', null), new Promise((r) => setTimeout(r, 5000))]);
      client.notify('exit', null);
    } finally {
      client.proc.kill();
      rmSync(ws, { recursive: true, force: true });
    }
  };
  return { client, init, diags, env, py, list, nb, ws, codes, settled, close };
}

const NEEDS_BIN = !process.env.KEYWIRE_BIN && 'KEYWIRE_BIN not set';

test('the configured command answers LSP like Helix would use it', { skip: NEEDS_BIN, timeout: 60000 }, async () => {
  const f = await openFixture(config['language-server'].keywire.config ?? null);
  try {
    assert.equal(f.init.error, undefined, JSON.stringify(f.init.error));
    assert.equal(f.init.result.serverInfo?.name, 'keywire');
    assert.ok(f.init.result.capabilities.codeActionProvider, 'no code actions');
    await f.settled(() => f.codes(f.env).includes('KW301') && f.codes(f.py).includes('KW101'));
    assert.deepEqual(f.codes(f.env), ['KW301', 'KW303'], `.env diagnostics; stderr:\n${f.client.stderr()}`);
    assert.deepEqual(f.codes(f.py), ['KW101'], 'app.py diagnostics');
    const kw301 = f.diags.get(f.env).find((d) => d.code === 'KW301');
    const actions = await f.client.request('textDocument/codeAction', {
      textDocument: { uri: f.env },
      range: kw301.range,
      context: { diagnostics: [kw301] },
    });
    const titles = (actions.result ?? []).map((a) => a.title);
    assert.ok(titles.includes('Strip the whitespace and the quotes'), JSON.stringify(titles));

    // OAI_CONFIG_LIST and the notebook, opened as json: findings at their place in the JSON.
    await f.settled(() => f.codes(f.list).includes('KW102') && f.codes(f.nb).includes('KW101'));
    assert.deepEqual(f.codes(f.list), ['KW102'], 'OAI_CONFIG_LIST diagnostics');
    assert.deepEqual(f.diags.get(f.list)[0].range.start, { line: 1, character: 22 });
    assert.deepEqual(f.codes(f.nb), ['KW101'], 'notebook.ipynb diagnostics');
    const nbLines = readFileSync(join(f.ws, 'notebook.ipynb'), 'utf8').split('\n');
    const line = nbLines.findIndex((l) => l.includes('model_client = '));
    const character = Buffer.byteLength(nbLines[line].slice(0, nbLines[line].indexOf('OpenAIChatCompletionClient(')));
    assert.deepEqual(f.diags.get(f.nb)[0].range.start, { line, character }, 'KW101 in the JSON text (UTF-8 positions)');
    const kw101 = f.diags.get(f.nb)[0];
    const nbActions = await f.client.request('textDocument/codeAction', {
      textDocument: { uri: f.nb },
      range: kw101.range,
      context: { diagnostics: [kw101] },
    });
    const nbTitles = (nbActions.result ?? []).map((a) => a.title);
    assert.ok(nbTitles.includes('Add `api_key=os.environ["GEMINI_API_KEY"]`'), JSON.stringify(nbTitles));
  } finally {
    await f.close();
  }
});

// The editors send select / ignore / severity as initializationOptions (VS Code settings, Neovim
// init_options, Helix `config`).
test('initializationOptions ignore and severity are applied', { skip: NEEDS_BIN, timeout: 60000 }, async () => {
  const f = await openFixture({ logLevel: 'info', select: null, ignore: ['KW303'], severity: { KW101: 'error' } });
  try {
    await f.settled(() => f.codes(f.env).includes('KW301') && f.codes(f.py).includes('KW101'));
    assert.deepEqual(f.codes(f.env), ['KW301'], 'ignore KW303');
    assert.equal(f.diags.get(f.py)?.find((d) => d.code === 'KW101')?.severity, 1, 'KW101 as error');
  } finally {
    await f.close();
  }
});
