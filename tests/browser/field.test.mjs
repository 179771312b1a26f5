// The field app (现场取证) on a phone-sized Chromium with a fake camera and
// microphone and a fixed position: an officer signs in, starts an on-site
// inspection and captures evidence in all eight modes; the body-camera import
// is cut off mid-upload (connection dropped, then offline) and resumes from
// the server's offset when the browser is back online. The items are then
// checked through the API: eight, one per mode, each sealed in the log with
// the hash the app computed at capture.
//   SIGHTLINE_URL=http://127.0.0.1:18080 SIGHTLINE_DEMO_PASSWORD=… node --test tests/browser/field.test.mjs
import { test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BASE, PASSWORD, OUT, launchProfile } from './harness.mjs';

const STEP = 20_000;
const CHUNK = 4 * 1024 * 1024;
const SIGHTLINE = path.resolve(process.env.SIGHTLINE_BUILD || 'build', 'sightline');
// What the first test captured, for the partner's test.
const captured = { caseId: 0, officerToken: '' };

async function openPhone() {
  const { context, page, close } = await launchProfile(
    {
      viewport: { width: 390, height: 844 },
      deviceScaleFactor: 2,
      isMobile: true,
      hasTouch: true,
      locale: 'zh-CN',
      timezoneId: 'Asia/Shanghai',
      geolocation: { longitude: 120.4895, latitude: 30.6303, accuracy: 12 },
      permissions: ['geolocation', 'camera', 'microphone'],
    },
    ['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream'],
  );
  context.setDefaultTimeout(STEP);
  context.setDefaultNavigationTimeout(STEP);
  const problems = [];
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  page.on('console', (msg) => {
    if (msg.type() === 'error' && !/favicon|ERR_INTERNET_DISCONNECTED|Failed to load resource|tus: failed/.test(msg.text()))
      problems.push(`console error: ${msg.text()}`);
  });
  return { context, page, problems, close };
}

async function draw(page, selector) {
  const box = await page.locator(selector).boundingBox();
  await page.mouse.move(box.x + 20, box.y + 40);
  await page.mouse.down();
  for (let i = 1; i <= 12; i++) await page.mouse.move(box.x + 20 + i * 20, box.y + 40 + (i % 2 ? 50 : 0));
  await page.mouse.up();
}

async function sealedCount(page) {
  return page.locator('#queue li[data-status="sealed"]').count();
}

test('officer captures evidence in all eight modes; an interrupted upload resumes; all are sealed', { timeout: 180_000 }, async () => {
  assert.ok(PASSWORD, 'SIGHTLINE_DEMO_PASSWORD must be set');
  const { context, page, problems, close } = await openPhone();
  try {
    await page.goto(BASE + '/field.html');
    await page.fill('#username', 'officer');
    await page.fill('#password', PASSWORD);
    await page.click('#login');
    const caseId = 800000 + Math.floor(Math.random() * 100000);
    await page.fill('#subject', '梧桐街道 占道经营检查');
    await page.fill('#case-id', String(caseId));
    await page.waitForFunction(() => !document.querySelector('#where').textContent.includes('定位中'));
    await page.click('#start');
    const inspection = await page.evaluate(() => JSON.parse(localStorage.getItem('sl.field.inspection')).id);
    captured.caseId = caseId;

    const capturedIn = async (mode, n) => {
      await page.locator(`#panel [data-captured="${mode}"]`).nth(n - 1).waitFor();
    };
    // Photo and document scan from the fake camera.
    for (const mode of ['photo', 'scan']) {
      await page.click(`.modes button[data-mode="${mode}"]`);
      await page.waitForFunction(() => document.querySelector('#panel video')?.videoWidth > 0);
      await page.click('#shoot');
      await capturedIn(mode, 1);
    }
    await page.screenshot({ path: path.join(OUT, 'field-capture.png') });
    // Video and audio with MediaRecorder.
    for (const mode of ['video', 'audio']) {
      await page.click(`.modes button[data-mode="${mode}"]`);
      await page.waitForFunction(() => !!document.querySelector('#rec-start'));
      await page.waitForTimeout(500);
      await page.click('#rec-start');
      await page.waitForTimeout(1500);
      await page.click('#rec-stop');
      await capturedIn(mode, 1);
    }
    // Written record signed on screen by the party.
    await page.click('.modes button[data-mode="record"]');
    await page.fill('#party', '张三');
    await page.fill('#record-text', '问：你是否在此占道经营？答：是的，今天上午开始。');
    await draw(page, '#party-sign');
    await page.screenshot({ path: path.join(OUT, 'field-record.png') });
    await page.click('#save-record');
    await capturedIn('record', 1);
    // E-signature.
    await page.click('.modes button[data-mode="signature"]');
    await draw(page, '#e-sign');
    await page.click('#save-sign');
    await capturedIn('signature', 1);
    // Location track.
    await page.click('.modes button[data-mode="track"]');
    await page.click('#track-start');
    await page.waitForTimeout(2200);
    await page.click('#track-stop');
    await capturedIn('track', 1);

    await page.waitForFunction(() => document.querySelectorAll('#queue li[data-status="sealed"]').length === 7, null, {
      timeout: 60_000,
    });

    // Body-camera import, cut off after its first chunk: the second PATCH is
    // dropped and the browser goes offline; back online, it resumes.
    const patches = [];
    let cut = false;
    await page.route('**/api/v1/uploads/*', async (route) => {
      const req = route.request();
      if (req.method() === 'PATCH') {
        patches.push(Number(req.headers()['upload-offset']));
        if (!cut && patches.length === 2) {
          cut = true;
          await context.setOffline(true);
          return route.abort('internetdisconnected');
        }
      }
      return route.continue();
    });
    const video = crypto.randomBytes(CHUNK * 2 + 123457);
    await page.click('.modes button[data-mode="bodycam"]');
    await page.setInputFiles('#bodycam-files', { name: 'DSJ_20261128_0001.mp4', mimeType: 'video/mp4', buffer: video });
    await page.waitForFunction(() => {
      const li = document.querySelector('#queue li[data-mode="bodycam"]');
      return li && li.dataset.status === 'queued' && !navigator.onLine;
    });
    await page.screenshot({ path: path.join(OUT, 'field-offline.png') });
    assert.deepEqual(patches, [0, CHUNK], 'first chunk acknowledged, second cut off');
    await context.setOffline(false);
    await page.waitForFunction(() => document.querySelectorAll('#queue li[data-status="sealed"]').length === 8, null, {
      timeout: 60_000,
    });
    assert.equal(patches[2], CHUNK, `resumed at the server's offset, not from 0 (PATCH offsets ${patches})`);
    assert.ok(!patches.slice(2).includes(0), 'nothing re-sent from the start');
    await page.locator('#queue').scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(OUT, 'field-sealed.png'), fullPage: true });

    // The server's view: eight sealed items of this inspection, one per mode.
    const token = await page.evaluate(() => localStorage.getItem('sl.field.token'));
    captured.officerToken = token;
    const res = await page.request.get(`${BASE}/api/v1/evidence/items?inspection_id=${inspection}`, {
      headers: { Authorization: `Bearer ${token}` },
    });
    assert.equal(res.status(), 200);
    const page1 = await res.json();
    assert.equal(page1.total, 8);
    const modes = page1.items.map((i) => i.mode).sort();
    assert.deepEqual(modes, ['audio', 'bodycam', 'photo', 'record', 'scan', 'signature', 'track', 'video']);
    const checkpoint = await (await page.request.get(`${BASE}/ledger/checkpoint`)).text();
    const treeSize = Number(checkpoint.split('\n')[1]);
    for (const item of page1.items) {
      assert.equal(item.sealed, true);
      assert.ok(item.ledger_index < treeSize, `${item.mode} sealed in the published tree`);
      assert.equal(item.case_id, caseId);
      assert.equal(item.officer, 'officer');
      assert.ok(Math.abs(item.location[0] - 120.4895) < 1e-4 && Math.abs(item.location[1] - 30.6303) < 1e-4);
    }
    const bodycam = page1.items.find((i) => i.mode === 'bodycam');
    assert.equal(bodycam.sha256, crypto.createHash('sha256').update(video).digest('hex'));
    assert.equal(bodycam.size, video.length);
    // The queue shows each item's log index once sealed.
    const shown = await page.locator('#queue li[data-mode="bodycam"]').textContent();
    assert.ok(shown.includes(`#${bodycam.ledger_index}`), shown);

    // The PWA opens without a network: the service worker serves the shell
    // and the queue comes from IndexedDB.
    await page.waitForFunction(() => window.__slFieldShellCached === true);
    await page.waitForFunction(async () => {
      const cache = await caches.open('sl-field-v1');
      return (await cache.keys()).some((r) => /\/assets\/field-.*\.js$/.test(r.url));
    });
    await context.setOffline(true);
    await page.reload();
    await page.locator('#net.off').waitFor();
    await page.waitForFunction(() => document.querySelectorAll('#queue li[data-status="sealed"]').length === 8);
    await page.screenshot({ path: path.join(OUT, 'field-offline-reload.png') });
    await context.setOffline(false);
    assert.deepEqual(problems, []);
  } catch (e) {
    await page.screenshot({ path: path.join(OUT, 'field-failure.png'), fullPage: true }).catch(() => {});
    throw new Error(`${e.message}\n${problems.join('\n')}`);
  } finally {
    await close();
  }
});

test('a partner department sees the shared case in the console and its bundle verifies offline', { timeout: 90_000 }, async () => {
  assert.ok(captured.caseId, 'runs after the capture test');
  assert.ok(fs.existsSync(SIGHTLINE), `the sightline binary (${SIGHTLINE}; set SIGHTLINE_BUILD)`);
  const { page, problems, close } = await openPhone();
  try {
    await page.setViewportSize({ width: 1400, height: 900 });
    const signIn = async (username) => {
      await page.goto(BASE + '/');
      await page.getByTestId('login-username').fill(username);
      await page.getByTestId('login-password').fill(PASSWORD);
      await page.getByTestId('login-submit').click();
      await page.waitForURL(/(console|screen)\.html/);
    };
    // Before it is shared, the police see nothing of the case.
    await signIn('partner-police');
    await page.goto(BASE + `/console.html#/evidence`);
    await page.getByTestId('evidence-case').fill(String(captured.caseId));
    // The filtered list has loaded when the empty state shows (the total says 0).
    await page.getByText('共 0 条').waitFor();
    await page.locator('.dt-state', { hasText: '暂无数据' }).waitFor();
    assert.equal(await page.getByTestId('evidence-bundle').count(), 0, 'nothing visible before sharing');
    await page.getByTestId('logout').click();
    await page.waitForURL(/index\.html|\/$/);

    // The officer shares the case with the police from the console.
    await signIn('officer');
    await page.goto(BASE + `/console.html#/evidence`);
    await page.getByTestId('evidence-case').fill(String(captured.caseId));
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="evidence-bundle"]').length === 8);
    await page.getByTestId('evidence-partner').selectOption({ label: '桐乡市公安局' });
    await page.getByTestId('evidence-share').click();
    await page.getByTestId('evidence-notice').waitFor();
    assert.match(await page.getByTestId('evidence-notice').textContent(), /8 件证据共享给桐乡市公安局/);
    await page.screenshot({ path: path.join(OUT, 'field-officer-share.png') });
    await page.getByTestId('logout').click();
    await page.waitForURL(/index\.html|\/$/);

    await page.goto(BASE + '/');
    await page.getByTestId('login-username').fill('partner-police');
    await page.getByTestId('login-password').fill(PASSWORD);
    await page.getByTestId('login-submit').click();
    await page.waitForURL(/console\.html/);
    await page.getByTestId('nav-evidence').click();
    await page.getByTestId('view-evidence').waitFor();
    await page.getByTestId('evidence-case').fill(String(captured.caseId));
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="evidence-bundle"]').length === 8);
    await page.screenshot({ path: path.join(OUT, 'field-partner-console.png') });
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('evidence-bundle').first().click(),
    ]);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sl-bundle-'));
    try {
      const tar = path.join(dir, download.suggestedFilename());
      await download.saveAs(tar);
      execFileSync('tar', ['-xf', tar, '-C', dir]);
      const bundle = path.join(dir, `case-${captured.caseId}-evidence`);
      const report = execFileSync(SIGHTLINE, ['verify', bundle], { encoding: 'utf8' }); // throws unless exit 0
      assert.match(report, /VALID/);
      assert.equal((report.match(/OK +file files\/[0-9a-f]{64}/g) || []).length, 8, report);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
    assert.deepEqual(problems, []);
  } finally {
    await close();
  }
});
