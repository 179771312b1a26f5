// Browser test of the urban-event loop, run against a live `sightline serve`
// with the demo city (see tests/browser/screen.test.mjs for the set-up):
// a citizen reports on the phone-sized public page → the supervision centre
// files → the command centre dispatches → the officer handles and feeds back
// → the supervision centre verifies and closes; the indicators move, the
// public status page says closed, and the big screen shows the event module.
// Screenshots go to $SIGHTLINE_TEST_OUTPUT (default test-output/).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { BASE, PASSWORD, OUT, needPassword, launchProfile, openBrowser, watch, assertClean, login } from './harness.mjs';

const TEST_TIMEOUT = 120_000;

// A real 8x8 PNG (red), so the browser can show the preview.
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAgAAAAICAIAAABLbSncAAAAEUlEQVR4nGO4YGCAFTEMLQkA2ntMAeuWKpoAAAAASUVORK5CYII=',
  'base64',
);

async function apiLogin(username) {
  const res = await fetch(BASE + '/api/v1/auth/login', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username, password: PASSWORD }),
  });
  assert.equal(res.status, 200, 'login ' + username);
  return (await res.json()).token;
}

async function apiGet(token, p) {
  const res = await fetch(BASE + '/api/v1' + p, { headers: { Authorization: 'Bearer ' + token } });
  assert.equal(res.status, 200, p);
  return res.json();
}

async function shot(page, name) {
  await page.screenshot({ path: path.join(OUT, name) });
}

// Opens the event in the console as `username` and takes `action`.
async function takeStep(username, id, action, fill) {
  const { page, problems, close } = await openBrowser();
  // Leaving the home page (the big screen for commanders) cuts its requests.
  problems.allow.push(/ERR_ABORTED/);
  try {
    await login(page, username, PASSWORD);
    await page.waitForURL(/(console|screen)\.html/);
    await page.goto(BASE + '/console.html#/events/' + id);
    await page.getByTestId('view-event-detail').waitFor();
    await page.getByTestId('act-' + action).waitFor();
    if (fill) await fill(page);
    const before = await page.getByTestId('detail-status').textContent();
    await page.getByTestId('act-' + action).click();
    await page.waitForFunction(
      (prev) => document.querySelector('[data-testid="detail-status"]').textContent !== prev,
      before,
    );
    await shot(page, `events-${action}-${username}.png`);
    assertClean(problems);
    return await page.getByTestId("detail-status").textContent();
  } finally {
    await close();
  }
}

test('a citizen report runs the seven steps and moves the indicators', { timeout: TEST_TIMEOUT }, async () => {
  needPassword();
  const leader = await apiLogin('leader');
  const total = async () => (await apiGet(leader, '/events/indicators?by=total')).items.at(-1);
  const before = await total();

  // 1. The citizen, on a phone, without logging in.
  const phone = await launchProfile({
    viewport: { width: 390, height: 844 },
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
  });
  let code = '';
  try {
    const { page } = phone;
    const problems = watch(page);
    // The server refuses a file that is not an image, judged by its bytes.
    problems.allow.push(/\/api\/v1\/public\/photos/, /status of 400/);
    await page.goto(BASE + '/report.html');
    await page.getByTestId('report-category').waitFor();
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="report-category"] option').length > 5);
    await page.getByTestId('report-category').selectOption('illegal_parking');
    await page.getByTestId('report-photo').setInputFiles({ name: 'fake.png', mimeType: 'image/png', buffer: Buffer.from('not an image at all') });
    await page.getByTestId('photo-error').waitFor();
    assert.match(await page.getByTestId('photo-error').textContent(), /JPEG|PNG|image/);
    await page.getByTestId('report-photo').setInputFiles({ name: 'street.png', mimeType: 'image/png', buffer: PNG });
    await page.getByTestId('photo-ok').waitFor();
    await page.waitForFunction(() => window.__reportMapReady === true);
    // Pin the middle of the map (inside the city).
    const box = await page.getByTestId('report-map').boundingBox();
    await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
    await page.getByTestId('report-address').fill('庆丰路人行道');
    await page.getByTestId('report-description').fill('人行道上停了一排汽车，行人只能走机动车道');
    await shot(page, 'events-1-report-form.png');
    await page.getByTestId('report-submit').click();
    await page.getByTestId('tracking-code').waitFor();
    code = (await page.getByTestId('tracking-code').textContent()).trim();
    assert.match(code, /^TX\d{8}$/);
    await shot(page, 'events-2-report-done.png');
    await page.getByTestId('follow').click();
    await page.getByTestId('track-result').waitFor();
    assert.equal(await page.getByTestId('track-open').textContent(), '处理中');
    await shot(page, 'events-3-track-open.png');
    assertClean(problems);
  } finally {
    await phone.close();
  }
  const id = Number(code.slice(2));

  // 2-6. The supervision centre files, the command centre dispatches to the
  // town's squad, the officer takes it and feeds back, the supervision centre closes.
  assert.equal(await takeStep('supervisor', id, 'file'), '待派遣');
  const commander = await apiLogin('commander');
  const departments = await apiGet(commander, '/departments');
  const squad = (departments.items || departments).find((d) => d.code === 'squad-wutong');
  assert.ok(squad, 'the demo city has the Wutong squad');
  const officerMe = await apiGet(await apiLogin('officer'), '/me');
  assert.equal(officerMe.department_id, squad.id, 'the demo officer works in the Wutong squad');
  assert.equal(
    await takeStep('commander', id, 'dispatch', async (page) => {
      await page.getByTestId('dispatch-department').selectOption(String(squad.id));
      // The department's officers are offered by name; the category's
      // handling limit is shown and a shorter one chosen.
      await page.locator(`[data-testid="dispatch-assignee"] option[value="${officerMe.id}"]`).waitFor({ state: 'attached' });
      await page.getByTestId('dispatch-assignee').selectOption(String(officerMe.id));
      const help = await page.getByTestId('dispatch-limit-help').textContent();
      assert.match(help, /\d+[hd]/);
      const options = await page.locator('[data-testid="dispatch-limit"] option').evaluateAll((os) => os.map((o) => o.value));
      assert.ok(options.length >= 2, 'a shorter limit is offered: ' + options.join(','));
      await page.getByTestId('dispatch-limit').selectOption(options[1]);
      await shot(page, 'events-dispatch-form.png');
    }),
    '已派遣',
  );
  const dispatched = await apiGet(commander, '/events/' + id);
  assert.equal(dispatched.assignee_id, officerMe.id);
  assert.equal(await takeStep('officer', id, 'handle'), '处理中');
  assert.equal(
    await takeStep('officer', id, 'feedback', (page) => page.getByTestId('step-note').fill('已联系车主挪车，人行道已畅通')),
    '待核查',
  );
  assert.equal(
    await takeStep('supervisor', id, 'close', (page) => page.getByTestId('step-note').fill('现场核查：已整改')),
    '已结案',
  );

  // The officer files a penalty case from the event: the form carries the
  // event's facts, the case cites the event, and the event links to it.
  {
    const { page, problems, close } = await openBrowser();
    problems.allow.push(/ERR_ABORTED/);
    try {
      await login(page, 'officer', PASSWORD);
      await page.waitForURL(/(console|screen)\.html/);
      await page.goto(BASE + '/console.html#/events/' + id);
      await page.getByTestId('event-file-case').click();
      const facts = await page.getByTestId('event-case-facts').inputValue();
      assert.ok(facts.includes(code), 'the facts cite the event code: ' + facts);
      await page.getByTestId('event-case-party').fill('张某');
      await shot(page, 'events-file-case-form.png');
      await page.getByTestId('event-case-submit').click();
      await page.getByTestId('event-case-link').waitFor();
      const officerToken = await apiLogin('officer');
      const filed = await apiGet(officerToken, '/cases?source_event_id=' + id);
      assert.equal(filed.items.length, 1);
      assert.equal(await page.getByTestId('event-case-link').textContent(), filed.items[0].number || '#' + filed.items[0].id);
      await shot(page, 'events-case-filed.png');
      await page.getByTestId('event-case-link').click();
      await page.waitForURL(new RegExp('#/cases/' + filed.items[0].id));
      assertClean(problems);
    } finally {
      await close();
    }
  }

  // 7. The indicators moved, and the leader sees them in the console.
  const after = await total();
  assert.equal(after.closed, before.closed + 1);
  assert.equal(after.public_verified, before.public_verified + 1);
  const { page, problems, close } = await openBrowser();
  problems.allow.push(/ERR_ABORTED/);
  try {
    await login(page, 'leader', PASSWORD);
    await page.waitForURL(/(console|screen)\.html/);
    await page.goto(BASE + '/console.html#/event-indicators');
    await page.getByTestId('ind-total').waitFor();
    const shown = Number(await page.getByTestId('ind-total').getByTestId('ind-closed').textContent());
    assert.equal(shown, after.closed);
    await page.waitForFunction(() => window.__eventTrendSeries > 5);
    await page.waitForTimeout(500);
    await shot(page, 'events-4-indicators.png');
    // The detail with the whole timeline, as the leader sees it.
    await page.goto(BASE + '/console.html#/events/' + id);
    await page.getByTestId('step-history').waitFor();
    assert.equal(await page.getByTestId('step-history').locator('tr').count(), 6);
    await shot(page, 'events-5-detail-closed.png');
    await page.goto(BASE + '/console.html#/events');
    await page.getByTestId('events-table').waitFor();
    await page.waitForTimeout(300);
    await shot(page, 'events-6-list.png');
    assertClean(problems);
  } finally {
    await close();
  }

  // 8. The public status page says closed.
  const status = await (await fetch(BASE + '/api/v1/public/reports/' + code)).json();
  assert.equal(status.status, 'closed');
  assert.equal(status.open, false);

  // 9. The big screen shows the event module and layer.
  const screen = await openBrowser();
  try {
    await login(screen.page, 'commander', PASSWORD);
    await screen.page.waitForURL(/screen\.html/);
    await screen.page.getByTestId('events-figures').waitFor();
    assert.ok(Number((await screen.page.getByTestId('events-closed-today').textContent()).replace(/\D/g, '')) >= 1);
    await screen.page.waitForTimeout(1500);
    await shot(screen.page, 'events-7-screen.png');
    // A click on an open event's dot shows its facts and a link to the console.
    await screen.page.waitForFunction(() => window.__slScreen.eventsLoaded === true && window.__slScreen.eventsOnMap > 0);
    const dot = await screen.page.evaluate(() => {
      const map = window.__slScreen.map;
      const hasTrucks = map.getLayer('trucks-dot');
      for (const f of map.queryRenderedFeatures({ layers: ['events-dot'] })) {
        const pt = map.project(f.geometry.coordinates);
        if (hasTrucks && map.queryRenderedFeatures(pt, { layers: ['trucks-dot'] }).length) continue;
        const box = map.getCanvas().getBoundingClientRect();
        return { x: box.left + pt.x, y: box.top + pt.y, id: f.properties.id, category: f.properties.category_name };
      }
      return null;
    });
    assert.ok(dot, 'an event dot is drawn');
    await screen.page.mouse.click(dot.x, dot.y);
    await screen.page.getByTestId('event-popup-title').waitFor();
    const shown = await screen.page.evaluate(() => window.__slScreen.eventPopup);
    assert.equal(await screen.page.getByTestId('event-popup-title').textContent(), (await apiGet(commander, '/events/' + shown)).category_name);
    assert.equal(await screen.page.getByTestId('event-popup-open').getAttribute('href'), '/console.html#/events/' + shown);
    await shot(screen.page, 'events-8-screen-popup.png');
    assertClean(screen.problems);
  } finally {
    await screen.close();
  }
});
