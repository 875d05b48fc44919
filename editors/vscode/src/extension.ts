// The keywire VS Code extension: finds the `keywire` binary, runs `keywire lsp` through
// vscode-languageclient, and shows the server's state in the status bar.

import * as fs from 'fs';
import * as os from 'os';
import * as vscode from 'vscode';
import {
  LanguageClient,
  LanguageClientOptions,
  RevealOutputChannelOn,
  ServerOptions,
  State,
} from 'vscode-languageclient/node';

import { DOCUMENT_SELECTOR } from './selector';
import { bundledPath, checkExecutable, Candidate, describeFailure, findServer } from './serverPath';
import { initializationOptions, needsRestart } from './settings';

const SERVER_NOT_FOUND = 'keywire: the keywire language server was not found';

type Status = 'starting' | 'running' | 'stopped' | 'error' | 'notFound';

let client: LanguageClient | undefined;
let serverPath: Candidate | undefined;
let output: vscode.OutputChannel;
let traceOutput: vscode.OutputChannel;
let statusItem: vscode.StatusBarItem;
/** Start/stop/restart run one at a time, in order. */
let queue: Promise<void> = Promise.resolve();

function log(message: string): void {
  output.appendLine(`[client ${new Date().toISOString()}] ${message}`);
}

function setStatus(status: Status, detail?: string): void {
  const where = serverPath ? `\n${serverPath.path} (from ${serverPath.source})` : '';
  const version = client?.initializeResult?.serverInfo?.version;
  switch (status) {
    case 'starting':
      statusItem.text = '$(sync~spin) keywire';
      statusItem.tooltip = `keywire: starting${where}`;
      statusItem.backgroundColor = undefined;
      break;
    case 'running':
      statusItem.text = '$(check) keywire';
      statusItem.tooltip = `keywire${version ? ' ' + version : ''}: running${where}\nClick to show the logs.`;
      statusItem.backgroundColor = undefined;
      break;
    case 'stopped':
      statusItem.text = '$(circle-slash) keywire';
      statusItem.tooltip = `keywire: stopped${detail ? ` (${detail})` : ''}${where}\nClick to show the logs.`;
      statusItem.backgroundColor = new vscode.ThemeColor('statusBarItem.warningBackground');
      break;
    case 'error':
    case 'notFound':
      statusItem.text = '$(error) keywire';
      statusItem.tooltip = `keywire: ${status === 'notFound' ? 'server not found' : 'server failed'}${detail ? ` (${detail})` : ''}\nClick to show the logs.`;
      statusItem.backgroundColor = new vscode.ThemeColor('statusBarItem.errorBackground');
      break;
  }
  const state = { starting: 'starting', running: 'running', stopped: 'stopped', error: 'server failed', notFound: 'server not found' }[status];
  statusItem.accessibilityInformation = { label: `keywire: ${state}` };
  statusItem.command = 'keywire.showLogs';
  statusItem.name = 'keywire';
  statusItem.show();
}

function settings() {
  const config = vscode.workspace.getConfiguration('keywire');
  return {
    path: config.get<string | null>('path') ?? undefined,
    init: initializationOptions({
      logLevel: config.get('logLevel'),
      select: config.get('select'),
      ignore: config.get('ignore'),
      severity: config.get('severity'),
      assumeDefined: config.get('assumeDefined'),
    }),
  };
}

/**
 * Opens the Settings editor on `keywire.path`. The setting is machine-overridable, so in a remote
 * window (SSH, WSL, containers, code-server) it is edited in the Remote tab, not the User tab.
 */
async function openPathSetting(): Promise<void> {
  if (vscode.env.remoteName) {
    try {
      await vscode.commands.executeCommand('workbench.action.openRemoteSettings', { query: 'keywire.path' });
      return;
    } catch {
      // no remote settings in this window: fall back to the user settings
    }
  }
  await vscode.commands.executeCommand('workbench.action.openSettings', 'keywire.path');
}

/** The one error shown when no server could be found or started. */
async function showServerError(message: string): Promise<void> {
  const choice = await vscode.window.showErrorMessage(message, 'Open Setting', 'Show Logs');
  if (choice === 'Open Setting') {
    await openPathSetting();
  } else if (choice === 'Show Logs') {
    output.show(true);
  }
}

/** A .vsix unpacked without file modes leaves the bundled binary non-executable: fix that. */
function ensureBundledExecutable(extensionPath: string): void {
  if (process.platform === 'win32') {
    return;
  }
  const bundled = bundledPath(extensionPath, process.platform);
  try {
    const mode = fs.statSync(bundled).mode;
    if ((mode & 0o111) === 0) {
      fs.chmodSync(bundled, mode | 0o755);
    }
  } catch {
    // no bundled binary, or a read-only install: the lookup reports it
  }
}

async function start(context: vscode.ExtensionContext): Promise<void> {
  setStatus('starting');
  ensureBundledExecutable(context.extensionPath);
  const { path: setting, init } = settings();
  const result = findServer({
    env: process.env,
    setting,
    extensionPath: context.extensionPath,
    home: os.homedir(),
    platform: process.platform,
    check: checkExecutable(fs, process.platform),
  });
  for (const r of result.rejected) {
    if (r.candidate.source === 'KEYWIRE_PATH' || r.candidate.source === 'keywire.path' || r.candidate.source === 'bundled') {
      log(`${r.candidate.source}: ${r.candidate.path}: ${r.reason}`);
    }
  }
  if (!result.found) {
    serverPath = undefined;
    const why = describeFailure(result);
    log(`${SERVER_NOT_FOUND}: ${why}`);
    setStatus('notFound', why);
    void showServerError(
      `${SERVER_NOT_FOUND} (${why}). Install it (cargo install --path server, in the keywire repository) ` +
        'or set keywire.path to the binary.',
    );
    return;
  }
  serverPath = result.found;
  log(`starting ${serverPath.path} lsp (found via ${serverPath.source}); initializationOptions ${JSON.stringify(init)}`);

  // No `transport`: TransportKind.stdio would append `--stdio`, which `keywire lsp` does not take
  // (it always speaks LSP over stdin/stdout).
  const serverOptions: ServerOptions = {
    command: serverPath.path,
    args: ['lsp'],
    options: { env: { ...process.env } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: DOCUMENT_SELECTOR,
    initializationOptions: init,
    outputChannel: output,
    traceOutputChannel: traceOutput,
    revealOutputChannelOn: RevealOutputChannelOn.Never,
  };
  const c = new LanguageClient('keywire', 'keywire', serverOptions, clientOptions);
  client = c;
  c.onDidChangeState((e) => {
    if (client !== c) {
      return;
    }
    if (e.newState === State.Running) {
      setStatus('running');
    } else if (e.newState === State.Starting) {
      setStatus('starting');
    } else {
      setStatus('stopped');
    }
  });
  try {
    await c.start();
    setStatus('running');
    log(`server running: ${JSON.stringify(c.initializeResult?.serverInfo ?? {})}`);
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    log(`server failed to start: ${message}`);
    setStatus('error', message);
    if (client === c) {
      client = undefined;
    }
    void showServerError(
      `keywire: the language server ${serverPath.path} (from ${serverPath.source}) failed to start: ${message}`,
    );
  }
}

async function stop(): Promise<void> {
  const c = client;
  client = undefined;
  if (!c) {
    return;
  }
  try {
    if (c.isRunning()) {
      await c.stop(5000);
    }
  } catch (e) {
    log(`stopping the server: ${e instanceof Error ? e.message : String(e)}`);
  }
  try {
    await c.dispose();
  } catch {
    // already stopped
  }
}

function enqueue(task: () => Promise<void>): Promise<void> {
  queue = queue.then(task, task);
  return queue;
}

export function activate(context: vscode.ExtensionContext): Promise<void> {
  output = vscode.window.createOutputChannel('keywire');
  traceOutput = vscode.window.createOutputChannel('keywire Trace');
  statusItem = vscode.window.createStatusBarItem('keywire.status', vscode.StatusBarAlignment.Right, 100);
  context.subscriptions.push(output, traceOutput, statusItem);

  const restart = () =>
    enqueue(async () => {
      log('restarting the server');
      await stop();
      await start(context);
    });

  context.subscriptions.push(
    vscode.commands.registerCommand('keywire.restartServer', restart),
    vscode.commands.registerCommand('keywire.showLogs', () => output.show(true)),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (needsRestart((section) => e.affectsConfiguration(section))) {
        void restart();
      }
    }),
    { dispose: () => void stop() },
  );
  return enqueue(() => start(context));
}

export function deactivate(): Promise<void> {
  return enqueue(stop);
}
