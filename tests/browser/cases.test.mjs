// Browser test of penalty cases: a major general-procedure case runs from
// filing to archive through the console, each step taken by the role the law
// gives it (officer, leader, legal reviewer, auxiliary), with the refusals the
// law requires shown to the user (the 409s citing APL Arts. 58, 64, 57, 61);
// the decision's QR code leads to the public page that confirms it, and an
// altered number is not found. Then the leaders' statistics with the export.
//   SIGHTLINE_URL=http://127.0.0.1:18080 SIGHTLINE_DEMO_PASSWORD=… node --test tests/browser/cases.test.mjs
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { chromium, CHROMIUM_ARGS, BASE, PASSWORD, OUT, STEP_TIMEOUT } from './harness.mjs';

// One browser for the whole test; a fresh context (own storage) per role.
async function launch() {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: CHROMIUM_ARGS,
  });
}

// Console errors, page exceptions, failed requests and HTTP errors fail the
// test unless `allow` expects them (the refusals this test provokes).
function watch(page, allow) {
  const list = [];
  const ok = (text) => /favicon/.test(text) || allow.some((re) => re.test(text));
  page.on('console', (msg) => {
    if (msg.type() === 'error' && !ok(msg.text())) list.push('console error: ' + msg.text());
  });
  page.on('pageerror', (err) => list.push('page error: ' + err.message));
  page.on('requestfailed', (req) => {
    // Leaving a page (the leader's big screen) aborts what it was loading.
    const failure = req.failure() ? req.failure().errorText : '';
    if (/ERR_ABORTED/.test(failure)) return;
    const text = `request failed: ${req.method()} ${req.url()} ${failure}`;
    if (!/\/api\/v1\/live/.test(req.url()) && !ok(text)) list.push(text);
  });
  page.on('response', (res) => {
    const text = `HTTP ${res.status()}: ${res.request().method()} ${res.url()}`;
    if (res.status() >= 400 && !ok(text)) list.push(text);
  });
  return list;
}

async function as(browser, username, allow, body) {
  const context = await browser.newContext({ viewport: { width: 1600, height: 1000 }, acceptDownloads: true });
  context.setDefaultTimeout(STEP_TIMEOUT);
  const page = await context.newPage();
  const problems = watch(page, allow);
  try {
    if (username) {
      await page.goto(BASE + '/');
      await page.getByTestId('login-username').fill(username);
      await page.getByTestId('login-password').fill(PASSWORD);
      await page.getByTestId('login-submit').click();
      await page.waitForURL(/\/(console|screen)\.html/);
    }
    await body(page);
    assert.deepEqual(problems, [], `${username || 'public'}: the page reported errors`);
  } finally {
    await context.close();
  }
}

async function openCase(page, id) {
  await page.goto(`${BASE}/console.html#/cases/${id}`);
  await page.getByTestId('case-state').waitFor();
}

async function state(page) {
  return page.getByTestId('case-state').getAttribute('data-state');
}

// Takes a step through the action panel; returns the error text, if any.
async function step(page, action, fields = {}) {
  await page.getByTestId('action-' + action).click();
  for (const [name, value] of Object.entries(fields)) {
    const field = page.getByTestId('field-' + name);
    const tag = await field.evaluate((el) => el.tagName + ':' + (el.type || ''));
    if (tag.startsWith('SELECT')) {
      if (value === 1) await field.selectOption({ index: 1 });
      else await field.selectOption(String(value));
    } else if (tag === 'INPUT:checkbox') {
      await field.setChecked(!!value);
    } else {
      await field.fill(String(value));
    }
  }
  const before = await page.getByTestId('case-timeline').locator('li').count();
  await page.getByTestId('step-submit').click();
  await page.waitForFunction(
    (n) =>
      document.querySelector('[data-testid="case-error"]') ||
      document.querySelectorAll('[data-testid="case-timeline"] li').length > n,
    before,
  );
  const error = page.getByTestId('case-error');
  if (await error.count()) return error.innerText();
  return '';
}

async function mustStep(page, action, fields) {
  const error = await step(page, action, fields);
  assert.equal(error, '', `${action} refused: ${error}`);
}

// Captures `n` photos for case `id` the way the field app does: a JPEG drawn
// on a canvas, hashed, uploaded with tus (creation + one PATCH) as the
// logged-in officer. Returns the item ids.
async function captureEvidence(page, id, n) {
  return page.evaluate(
    async ([caseId, count]) => {
      const token = sessionStorage.getItem('sl.token');
      const b64 = (s) => btoa(String.fromCharCode(...new TextEncoder().encode(s)));
      const ids = [];
      for (let i = 0; i < count; i++) {
        const canvas = document.createElement('canvas');
        canvas.width = 320;
        canvas.height = 240;
        const g = canvas.getContext('2d');
        g.fillStyle = ['#8d6e63', '#546e7a'][i % 2];
        g.fillRect(0, 0, 320, 240);
        g.fillStyle = '#fff';
        g.font = '28px sans-serif';
        g.fillText('店外经营 #' + (i + 1), 40, 130);
        const blob = await new Promise((ok) => canvas.toBlob(ok, 'image/jpeg', 0.8));
        const bytes = new Uint8Array(await blob.arrayBuffer());
        const sha = [...new Uint8Array(await crypto.subtle.digest('SHA-256', bytes))]
          .map((b) => b.toString(16).padStart(2, '0'))
          .join('');
        const meta = {
          filename: `photo-${i + 1}.jpg`, filetype: 'image/jpeg', sha256: sha, mode: 'photo',
          captured_at: new Date().toISOString(), lon: '120.5652', lat: '30.6301', accuracy: '6',
          device: 'browser test', case_id: String(caseId),
        };
        const tus = { Authorization: 'Bearer ' + token, 'Tus-Resumable': '1.0.0' };
        const created = await fetch('/api/v1/uploads/', {
          method: 'POST',
          headers: { ...tus, 'Upload-Length': String(bytes.length),
            'Upload-Metadata': Object.entries(meta).map(([k, v]) => k + ' ' + b64(v)).join(',') },
        });
        if (created.status !== 201) throw new Error('tus POST ' + created.status + ' ' + (await created.text()));
        const patched = await fetch(created.headers.get('Location'), {
          method: 'PATCH',
          headers: { ...tus, 'Upload-Offset': '0', 'Content-Type': 'application/offset+octet-stream' },
          body: bytes,
        });
        if (patched.status !== 204) throw new Error('tus PATCH ' + patched.status + ' ' + (await patched.text()));
        ids.push(Number(patched.headers.get('Evidence-Item')));
      }
      return ids;
    },
    [id, n],
  );
}

test('a major general-procedure case from filing to archive, every gate, verified decision', { timeout: 240_000 }, async () => {
  assert.ok(PASSWORD, 'SIGHTLINE_DEMO_PASSWORD must be set to the demo users’ password');
  const browser = await launch();
  const conflict = [/HTTP 409: POST .*\/api\/v1\/cases\/\d+\/(steps|assist)/, /status of 409/];
  let id = 0;
  let verifyUrl = '';
  try {
    // The officer opens the case with a second officer; it awaits approval.
    await as(browser, 'officer', [], async (page) => {
      await page.goto(BASE + '/console.html#/cases');
      await page.getByTestId('cases-table').getByTestId('table-row').first().waitFor();
      await page.getByTestId('case-new').click();
      await page.getByTestId('case-form-party-kind').selectOption('organisation');
      await page.getByTestId('case-form-party').fill('桐乡市梧桐测试餐饮有限公司');
      await page.getByTestId('case-form-cause').fill('超出门窗店外经营，经责令仍未改正');
      await page.getByTestId('case-form-officer2').selectOption({ index: 1 });
      await page.getByTestId('case-form-major').check();
      await page.screenshot({ path: path.join(OUT, 'cases-1-new-case.png') });
      await page.getByTestId('case-form-submit').click();
      await page.waitForURL(/#\/cases\/\d+/);
      id = Number(page.url().match(/#\/cases\/(\d+)/)[1]);
      await page.getByTestId('case-state').waitFor();
      assert.equal(await state(page), 'filing');
      // An officer cannot approve filing: no such action offered.
      assert.equal(await page.getByTestId('action-approve_filing').count(), 0);
    });

    // Auxiliary staff see the case but can take no officer's or decider's step (ZJ Art. 30).
    await as(browser, 'auxiliary', [], async (page) => {
      await openCase(page, id);
      // Only what Art. 30 allows them: recording the party's consent to e-service.
      await page.getByTestId('action-record_consent').waitFor();
      assert.equal(await page.getByTestId('case-actions').locator('button').count(), 1);
    });

    await as(browser, 'leader', [], async (page) => {
      await openCase(page, id);
      await mustStep(page, 'approve_filing', { note: '同意立案' });
      assert.equal(await state(page), 'investigating');
    });

    await as(browser, 'officer', conflict, async (page) => {
      await openCase(page, id);
      // Field evidence of the case: listed with hash, log index and EXIF check.
      const items = await captureEvidence(page, id, 2);
      assert.equal(items.length, 2);
      await page.reload();
      await page.getByTestId('case-evidence-item').nth(1).waitFor();
      const row = page.locator(`[data-testid="case-evidence-item"][data-item="${items[0]}"]`);
      assert.match(await row.innerText(), /[0-9a-f]{64}/);
      await page.getByTestId('case-evidence-open-' + items[0]).click();
      await page.getByTestId('case-evidence-preview').locator('img').waitFor();
      // Evidence registration of one real item and its decision (APL Art. 56).
      await page.getByTestId('action-register_evidence').click();
      await page.getByTestId('case-evidence-pick-' + items[0]).check();
      await page.getByTestId('case-evidence').scrollIntoViewIfNeeded();
      await page.screenshot({ path: path.join(OUT, 'cases-2a-evidence-register.png'), fullPage: true });
      await mustStep(page, 'register_evidence', { approver: '沈局长', note: '店外经营桌椅六套' });
      await page.getByTestId('case-deadline').filter({ hasText: '7' }).first().waitFor();
      assert.match(await page.getByTestId('case-evidence-reg-' + items[0]).innerText(), /登记保存中/);
      assert.equal(await page.getByTestId('case-evidence-reg-' + items[1]).innerText(), '');
      assert.match(await page.getByTestId('case-timeline').innerText(), new RegExp('#' + items[0]));
      // Shared with the police; the case's verification bundle downloads.
      await page.getByTestId('case-evidence-share').click();
      await page.getByTestId('case-evidence-notice').waitFor();
      const [bundle] = await Promise.all([page.waitForEvent('download'), page.getByTestId('case-evidence-bundle').click()]);
      assert.match(bundle.suggestedFilename(), /\.tar$/);
      await page.screenshot({ path: path.join(OUT, 'cases-2b-evidence-shared.png'), fullPage: true });
      await mustStep(page, 'decide_evidence', { note: '解除登记保存，退还当事人' });
      // A major case cannot go to the notice without legal review (APL Art. 58).
      const refused = await step(page, 'notify', { fine_fen: 5000, facts: '店外经营' });
      assert.match(refused, /409.*Art\. 58/);
      await page.screenshot({ path: path.join(OUT, 'cases-2-refused-art58.png') });
      await page.reload();
      await page.getByTestId('case-state').waitFor();
      await mustStep(page, 'submit_review', { fine_fen: 5000, facts: '当事人超出门窗店外经营，经责令改正逾期未改正' });
      assert.equal(await state(page), 'review');
    });

    await as(browser, 'reviewer', [], async (page) => {
      await openCase(page, id);
      await mustStep(page, 'complete_review', { approved: true, note: '事实清楚，证据确凿，适用依据正确，程序合法' });
      assert.equal(await state(page), 'reviewed');
    });

    await as(browser, 'officer', [], async (page) => {
      await openCase(page, id);
      await mustStep(page, 'notify');
      assert.equal(await state(page), 'notified');
      // 5,000 yuan is no large fine for an organisation: statement and defence, no hearing (APL Art. 63).
      assert.match(await page.getByTestId('case-hearing-right').innerText(), /无/);
      await page.getByTestId('doc-prior_notice').click();
      await page.getByTestId('case-doc').waitFor();
    });

    // The party still has 5 working days to be heard (APL Arts. 45, 62, 64).
    await as(browser, 'leader', conflict, async (page) => {
      await openCase(page, id);
      const refused = await step(page, 'decide');
      assert.match(refused, /409.*64\(1\)/);
    });

    // The auxiliary receives the party's written waiver (Art. 30 allows it).
    await as(browser, 'auxiliary', [], async (page) => {
      await openCase(page, id);
      await mustStep(page, 'waive_rights', { note: '当事人书面放弃陈述、申辩和听证，附卷第5页' });
    });

    await as(browser, 'leader', conflict, async (page) => {
      await openCase(page, id);
      // Major: collective discussion first (APL Art. 57).
      const refused = await step(page, 'decide');
      assert.match(refused, /409.*Art\. 57/);
      await page.reload();
      await page.getByTestId('case-state').waitFor();
      await mustStep(page, 'collective_decision', { note: '局务会集体讨论，同意处罚' });
      await mustStep(page, 'decide');
      assert.equal(await state(page), 'decided');
      await page.getByTestId('case-decision-no').waitFor();
    });

    await as(browser, 'auxiliary', conflict, async (page) => {
      await openCase(page, id);
      // Electronic service needs the party's consent on file (APL Art. 61).
      const refused = await step(page, 'serve', { method: 'electronic' });
      assert.match(refused, /409.*Art\. 61/);
      await page.reload();
      await page.getByTestId('case-state').waitFor();
      await mustStep(page, 'serve', { method: 'direct', note: '当事人当场签收' });
      assert.equal(await state(page), 'served');
    });

    await as(browser, 'officer', [], async (page) => {
      await openCase(page, id);
      await mustStep(page, 'pay');
      assert.equal(await state(page), 'executed');
    });

    await as(browser, 'leader', [], async (page) => {
      await openCase(page, id);
      await mustStep(page, 'close', { note: '执行完毕，同意结案' });
      assert.equal(await state(page), 'closed');
    });

    await as(browser, 'officer', [], async (page) => {
      await openCase(page, id);
      await mustStep(page, 'archive', { note: '2026-行政-0001' });
      assert.equal(await state(page), 'archived');
      await page.screenshot({ path: path.join(OUT, 'cases-3-archived-timeline.png'), fullPage: true });
      await page.getByTestId('doc-decision').click();
      const frame = page.frameLocator('[data-testid="case-doc"]');
      await frame.locator('.qr svg').waitFor();
      verifyUrl = await frame.locator('.qr').getAttribute('data-verify-url');
      await page.getByTestId('case-doc').scrollIntoViewIfNeeded();
      // The decision lists the case's evidence with its hashes.
      assert.equal(await frame.locator('[data-testid="decision-evidence"] tr').count(), 3);
      await page.screenshot({ path: path.join(OUT, 'cases-4-decision.png'), fullPage: true });
    });

    // Anyone scanning the QR code sees that the decision is genuine.
    assert.match(verifyUrl, /\/verify\/decision\?no=/);
    await as(browser, '', [/HTTP 404: GET .*\/verify\/decision/, /status of 404/], async (page) => {
      const url = BASE + verifyUrl.slice(verifyUrl.indexOf('/verify/'));
      await page.goto(url);
      assert.match(await page.getByTestId('verify-result').innerText(), /真实有效/);
      assert.match(await page.locator('body').innerText(), /桐乡市\*+有限公司/);
      assert.match(await page.locator('body').innerText(), /5000\.00/);
      await page.screenshot({ path: path.join(OUT, 'cases-5-verify.png') });
      // One digit of the decision number altered.
      const forged = url.replace(/(\d)(%E5%8F%B7)/, (m, d, tail) => `${(Number(d) + 1) % 10}${tail}`);
      assert.notEqual(forged, url);
      await page.goto(forged);
      assert.match(await page.getByTestId('verify-result').innerText(), /not found/);
      await page.screenshot({ path: path.join(OUT, 'cases-6-verify-forged.png') });
    });

    // Leaders' statistics with the general-procedure share and the export.
    await as(browser, 'leader', [], async (page) => {
      await page.goto(BASE + '/console.html#/caseStats');
      await page.getByTestId('case-stats-total').waitFor();
      const total = Number((await page.getByTestId('case-stats-total').innerText()).replace(/,/g, ''));
      assert.ok(total > 10000, `cases: ${total}`);
      const share = parseFloat(await page.getByTestId('case-stats-share').innerText());
      assert.ok(share > 55 && share < 68, `general share ${share}`);
      await page.getByTestId('case-chart-month').locator('canvas').waitFor();
      const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('case-stats-export').click()]);
      assert.equal(download.suggestedFilename(), 'case-statistics.xlsx');
      await page.screenshot({ path: path.join(OUT, 'cases-7-statistics.png'), fullPage: true });
      await page.goto(BASE + '/console.html#/cases');
      await page.getByTestId('cases-overdue').check();
      // Once the filtered page is in, every row's next deadline is overdue (in red).
      await page.waitForFunction(() => {
        const rows = document.querySelectorAll('[data-testid="cases-table"] [data-testid="table-row"]');
        const due = document.querySelectorAll('[data-testid="cases-table"] [data-testid="case-next-due"].overdue');
        return rows.length > 0 && rows.length === due.length;
      });
      await page.screenshot({ path: path.join(OUT, 'cases-8-overdue-list.png') });
    });
  } finally {
    await browser.close();
  }
});
