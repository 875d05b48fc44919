// End-to-end test of the "server not found" path: a universal .vsix (no bundled binary), no
// KEYWIRE_PATH, no keywire.path and no keywire on PATH. Started by run-in-code-server.sh:
//   node not-found.e2e.js PORT WORKSPACE
// Checks: one error notification naming the problem with an "Open Setting" button, the status bar
// item saying "server not found", and the button opening the keywire.path setting.
const { chromium } = require('playwright-core');
const fs = require('fs');
const path = require('path');

const PORT = process.argv[2];
const FOLDER = process.argv[3];
const OUT = process.env.E2E_OUT || path.join(require('os').tmpdir(), 'keywire-vscode-e2e');
const SHOTS = process.env.SHOTS_DIR || '';
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const T = Number(process.env.E2E_TIMEOUT_MS || 60000);
const MESSAGE = 'keywire: the keywire language server was not found';

const t0 = Date.now();
const log = (...a) => console.log(`[${((Date.now() - t0) / 1000).toFixed(1)}s]`, ...a);
let passed = 0;
let failed = 0;
async function step(name, fn) {
  try {
    await fn();
    passed++;
    log(`  ok   ${name}`);
    return true;
  } catch (e) {
    failed++;
    log(`  FAIL ${name}: ${e.message.split('\n')[0]}`);
    return false;
  }
}

(async () => {
  fs.mkdirSync(OUT, { recursive: true });
  const profile = fs.mkdtempSync(path.join(OUT, 'chromium-profile-'));
  const browser = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1280, height: 800 },
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
      `--disk-cache-dir=${profile}/cache`],
  });
  const page = browser.pages()[0] || await browser.newPage();
  page.on('pageerror', (e) => log('pageerror:', e.message));
  const shot = async (name) => {
    const file = path.join(OUT, name);
    await page.screenshot({ path: file }).catch((e) => log('screenshot failed', e.message));
    if (SHOTS) {
      fs.mkdirSync(SHOTS, { recursive: true });
      fs.copyFileSync(file, path.join(SHOTS, name));
    }
    log('screenshot:', file);
  };
  const toast = page.locator('.notification-toast', { hasText: MESSAGE });
  try {
    await page.goto(`http://127.0.0.1:${PORT}/?folder=${encodeURIComponent(FOLDER)}`, { waitUntil: 'domcontentloaded' });
    await step('workbench loads', () => page.waitForSelector('.monaco-workbench', { timeout: T }));
    await step('error notification: server not found', () => toast.first().waitFor({ state: 'visible', timeout: T }));
    await step('exactly one such notification', async () => {
      await page.waitForTimeout(1500);
      const n = await toast.count();
      if (n !== 1) throw new Error(`${n} notifications`);
    });
    await step('the notification says what was tried', async () => {
      const text = await toast.first().innerText();
      if (!text.includes('no bundled binary and no keywire on PATH')) {
        throw new Error(JSON.stringify(text));
      }
    });
    await step('status bar: keywire server not found', () =>
      page.waitForSelector('.statusbar-item[aria-label="keywire: server not found"]', { timeout: T }));
    await shot('vscode-server-not-found.png');
    await step('"Open Setting" opens keywire.path', async () => {
      await toast.first().locator('.monaco-button', { hasText: 'Open Setting' }).click();
      await page.waitForSelector('.settings-editor', { state: 'visible', timeout: T });
      await page.waitForSelector('.settings-editor .setting-item-contents[data-key="keywire.path"], .settings-editor .setting-item-contents:has-text("keywire.path"), .settings-editor .setting-item:has-text("Keywire: Path")', { timeout: T });
    });
  } catch (e) {
    failed++;
    log('  FAIL test ran to the end:', e.message);
  } finally {
    if (failed > 0) await shot('not-found-failure.png');
    await browser.close();
    fs.rmSync(profile, { recursive: true, force: true });
  }
  log(`vscode not-found e2e: ${passed} checks passed, ${failed} failed`);
  process.exit(failed > 0 || passed === 0 ? 1 : 0);
})();
