// Shared set-up of the browser tests (not a test file itself: `node --test`
// only picks up *.test.mjs). The tests run against a live `sightline serve`:
//   SIGHTLINE_URL=http://127.0.0.1:18080 SIGHTLINE_DEMO_PASSWORD=… node --test tests/browser/
// Chromium is Debian's (/usr/bin/chromium), driven by playwright-core; every
// test gets a fresh profile in a temporary directory.
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const require = createRequire(new URL('../../web/package.json', import.meta.url));
export const { chromium } = require('playwright-core');

export const BASE = (process.env.SIGHTLINE_URL || 'http://127.0.0.1:18080').replace(/\/+$/, '');
export const PASSWORD = process.env.SIGHTLINE_DEMO_PASSWORD || '';
export const OUT = path.resolve(process.env.SIGHTLINE_TEST_OUTPUT || 'test-output');
export const STEP_TIMEOUT = 15_000;

// What headless Chromium needs here: no sandbox (root in CI), no GPU (WebGL in
// software), and nothing that would reach the network on its own.
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

fs.mkdirSync(OUT, { recursive: true });

export function needPassword() {
  assert.ok(PASSWORD, 'SIGHTLINE_DEMO_PASSWORD must be set to the demo users’ password');
}

// A browser with a fresh persistent profile. `options` are playwright context
// options (viewport, device emulation, permissions); `extraArgs` add Chromium
// switches. close() closes the browser and removes the profile.
export async function launchProfile(options = {}, extraArgs = []) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sl-browser-'));
  const context = await chromium.launchPersistentContext(dir, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    ...options,
    args: [...CHROMIUM_ARGS, ...extraArgs],
  });
  context.setDefaultTimeout(STEP_TIMEOUT);
  context.setDefaultNavigationTimeout(STEP_TIMEOUT);
  const page = context.pages()[0] || (await context.newPage());
  const close = async () => {
    await context.close().catch(() => {});
    fs.rmSync(dir, { recursive: true, force: true });
  };
  return { context, page, close };
}

// A 1920×1080 desktop browser whose page is watched for problems.
export async function openBrowser() {
  const browser = await launchProfile({ viewport: { width: 1920, height: 1080 } });
  return { ...browser, problems: watch(browser.page) };
}

// Collects console errors, page exceptions and failed requests. `allow` holds
// regexps for problems a test expects (e.g. the 401 of a wrong password).
export function watch(page) {
  const list = [];
  const allow = [];
  const ignored = (text) => /favicon/.test(text) || allow.some((re) => re.test(text));
  page.on('console', (msg) => {
    if (msg.type() !== 'error') return;
    const loc = msg.location() && msg.location().url ? ` @ ${msg.location().url}` : '';
    const text = `console error: ${msg.text()}${loc}`;
    if (!ignored(text)) list.push(text);
  });
  page.on('pageerror', (err) => list.push(`page error: ${err.message}`));
  page.on('requestfailed', (req) => {
    const failure = req.failure() ? req.failure().errorText : 'failed';
    // The live stream is cut when a page navigates away; that is not a failure.
    if (/\/api\/v1\/live/.test(req.url()) && /ERR_ABORTED/.test(failure)) return;
    const text = `request failed: ${req.method()} ${req.url()} ${failure}`;
    if (!ignored(text)) list.push(text);
  });
  page.on('response', (res) => {
    if (res.status() < 400) return;
    const text = `HTTP ${res.status()}: ${res.request().method()} ${res.url()}`;
    if (!ignored(text)) list.push(text);
  });
  return { list, allow };
}

export function assertClean(problems) {
  assert.deepEqual(problems.list, [], 'the page reported errors or failed requests');
}

export async function login(page, username, password = PASSWORD) {
  await page.goto(BASE + '/');
  await page.getByTestId('login-username').fill(username);
  await page.getByTestId('login-password').fill(password);
  await page.getByTestId('login-submit').click();
}
