// Browser tests for the web front end (login, command big screen, console),
// run against a live `sightline serve`:
//   SIGHTLINE_URL=http://127.0.0.1:18080 SIGHTLINE_DEMO_PASSWORD=… node --test tests/browser/
// Screenshots go to $SIGHTLINE_TEST_OUTPUT (default test-output/).
// Any page console error, uncaught exception or failed request fails a test.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { BASE, PASSWORD, OUT, needPassword, openBrowser, assertClean, login } from './harness.mjs';

const TEST_TIMEOUT = 30_000;

async function kpiValue(page, key) {
  const raw = await page.getByTestId('kpi-' + key).getByTestId('kpi-value').getAttribute('data-value');
  return Number(raw);
}

test('commander signs in and lands on the command screen with map, KPIs and live feed', { timeout: TEST_TIMEOUT }, async () => {
  needPassword();
  const { page, problems, close } = await openBrowser();
  try {
    await login(page, 'commander', PASSWORD);
    await page.waitForURL(/\/screen\.html/);

    // The towns source is loaded by MapLibre (its worker parsed the GeoJSON).
    await page.waitForFunction(() => window.__slScreen && window.__slScreen.townsLoaded === true);
    assert.equal(await page.locator('.maplibregl-canvas').count(), 1, 'map canvas present');
    const workers = page.workers().map((w) => w.url());
    assert.ok(
      workers.some((u) => /maplibre-gl-worker/.test(u)),
      `MapLibre's worker runs from the built assets (workers: ${workers.join(', ') || 'none'})`,
    );
    const labels = await page.getByTestId('town-label').count();
    assert.ok(labels > 5, `town labels on the map: ${labels}`);

    // KPI tiles come from /stats/overview.
    await page.waitForFunction(() => window.__slScreen && window.__slScreen.statsLoaded === true);
    assert.ok((await kpiValue(page, 'towns')) > 0, 'towns KPI > 0');
    assert.ok((await kpiValue(page, 'subjects')) > 0, 'subjects KPI > 0');
    assert.ok((await kpiValue(page, 'officers')) > 0, 'officers KPI > 0');

    // Live feed: the stream opens and the server's hello arrives.
    await page.locator('[data-testid="live-state"][data-state="open"]').waitFor();
    await page.getByTestId('live-event').first().waitFor();

    // An audit event elsewhere (a sign-in through the API) reaches the ticker.
    const res = await page.request.post(BASE + '/api/v1/auth/login', {
      data: { username: 'admin', password: PASSWORD },
    });
    assert.equal(res.status(), 200, 'admin sign-in through the API');
    await page.locator('[data-testid="live-event"].ev-audit', { hasText: 'admin' }).first().waitFor();

    // Trucks: with the simulator driving (scripts/test.sh sets
    // SIGHTLINE_TEST_TRUCKS=1) the truck layer has points, moves with
    // fleet.positions events and the module tile shows real counts.
    await page.waitForFunction(() => window.__slScreen.fleetLoaded === true);
    if (process.env.SIGHTLINE_TEST_TRUCKS === '1') {
      await page.waitForFunction(() => window.__slScreen.truckUpdates > 0 && window.__slScreen.trucksOnMap > 0, null, {
        timeout: 60_000,
      });
      await page.waitForTimeout(500);
      const rendered = await page.evaluate(
        () => window.__slScreen.map.queryRenderedFeatures({ layers: ['trucks-dot'] }).length,
      );
      assert.ok(rendered > 0, `truck points rendered: ${rendered}`);
      const online = Number((await page.getByTestId('trucks-online').textContent()).replace(/[^0-9]/g, ''));
      assert.ok(online > 0, `trucks online: ${online}`);
      await page.getByTestId('truck-legend').waitFor();
    }
    // Penalty cases: the commander sees today's new cases, the general-procedure
    // share and the overdue count of the demo's 12,500 cases.
    await page.waitForFunction(() => window.__slScreen.casesLoaded === true);
    const share = parseFloat(await page.getByTestId('cases-general-share').textContent());
    assert.ok(share > 55 && share < 68, `general share on the screen: ${share}`);
    const overdue = Number((await page.getByTestId('cases-overdue').textContent()).replace(/[^0-9]/g, ''));
    assert.ok(overdue > 0, `overdue cases on the screen: ${overdue}`);
    // Modules not connected yet show "not connected", not numbers.
    const pending = await page.getByTestId('module-state').allTextContents();
    const want = (process.env.SIGHTLINE_TEST_TRUCKS === '1' ? 2 : 3) -
      (process.env.SIGHTLINE_TEST_PARKING === '1' ? 1 : 0);  // parking's tile shows its figures
    assert.ok(pending.length >= want && pending.every((s) => /待接入/.test(s)), `module states: ${pending}`);

    await page.waitForTimeout(800); // let chart animations settle for the picture
    await page.screenshot({ path: path.join(OUT, 'screen.png') });

    // Zoomed in past level 13 the unit grids of the visible bbox load.
    await page.evaluate(() => {
      const s = window.__slScreen;
      s.map.jumpTo({ center: s.map.getCenter(), zoom: 14 });
    });
    await page.waitForFunction(() => window.__slScreen.gridsLoaded === true && window.__slScreen.gridCount > 0);
    await page.waitForTimeout(500);
    await page.screenshot({ path: path.join(OUT, 'screen-grids.png') });

    assert.deepEqual(await page.evaluate(() => window.__slScreen.errors), [], 'screen diagnostics');
    assertClean(problems);
  } finally {
    await close();
  }
});

test('a wrong password shows an error and stays on the login page', { timeout: TEST_TIMEOUT }, async () => {
  const { page, problems, close } = await openBrowser();
  // The 401 itself is expected here (Chromium logs it as a console error too).
  problems.allow.push(/\/api\/v1\/auth\/login/, /status of 401/);
  try {
    await login(page, 'commander', 'definitely-not-the-password');
    const error = page.getByTestId('login-error');
    await error.waitFor();
    assert.match(await error.innerText(), /用户名或密码错误/);
    assert.match(page.url(), /\/(index\.html)?(\?.*)?$/);
    assert.equal(await page.evaluate(() => sessionStorage.getItem('sl.token')), null);

    // Pages that need a session send a visitor without one back to login.
    await page.goto(BASE + '/console.html');
    await page.waitForURL(/\/index\.html/);
    await page.goto(BASE + '/screen.html');
    await page.waitForURL(/\/index\.html/);
    assertClean(problems);
  } finally {
    await close();
  }
});

test('admin opens the console: staff table, audit log with the logins, sign out', { timeout: TEST_TIMEOUT }, async () => {
  needPassword();
  const { page, problems, close } = await openBrowser();
  try {
    await login(page, 'admin', PASSWORD);
    await page.waitForURL(/\/console\.html/);
    await page.getByTestId('view-overview').waitFor();
    assert.equal(await page.getByTestId('current-role').innerText(), '系统管理员');
    // Placeholders for later modules are present and disabled.
    assert.equal(await page.getByTestId('nav-inspections').isDisabled(), true);

    await page.getByTestId('nav-staff').click();
    await page.getByTestId('staff-table').getByTestId('table-row').first().waitFor();
    const staffRows = await page.getByTestId('staff-table').getByTestId('table-row').count();
    assert.ok(staffRows > 0, `staff rows: ${staffRows}`);

    await page.getByTestId('nav-audit').click();
    const auditRows = page.getByTestId('audit-table').getByTestId('table-row');
    await auditRows.first().waitFor();
    const loginRows = page.getByTestId('audit-table').locator('[data-action*="login"]');
    assert.ok((await loginRows.count()) > 0, 'the audit log lists login entries');
    const auditText = await page.getByTestId('audit-table').innerText();
    assert.match(auditText, /admin/, 'the audit log names the admin who just signed in');
    await page.screenshot({ path: path.join(OUT, 'console.png') });

    await page.getByTestId('logout').click();
    await page.waitForURL(/\/index\.html/);
    assert.equal(await page.evaluate(() => sessionStorage.getItem('sl.token')), null);
    assertClean(problems);
  } finally {
    await close();
  }
});

test('switching to English translates every page and is remembered', { timeout: TEST_TIMEOUT }, async () => {
  needPassword();
  const { page, problems, close } = await openBrowser();
  try {
    await page.goto(BASE + '/');
    assert.match(await page.getByTestId('login-submit').innerText(), /登/);
    await page.getByTestId('lang-switch').click();
    assert.equal(await page.getByTestId('login-submit').innerText(), 'Sign in');
    assert.equal(await page.locator('html').getAttribute('lang'), 'en');

    await page.getByTestId('login-username').fill('commander');
    await page.getByTestId('login-password').fill(PASSWORD);
    await page.getByTestId('login-submit').click();
    await page.waitForURL(/\/screen\.html/);
    assert.match(await page.getByTestId('screen-title').innerText(), /Visual Command Platform/);
    await page.waitForFunction(() => window.__slScreen && window.__slScreen.townsLoaded === true);
    await page.waitForFunction(() => window.__slScreen.statsLoaded === true);
    assert.match(await page.getByTestId('kpi-officers').innerText(), /Officers/);
    await page.waitForTimeout(800);
    await page.screenshot({ path: path.join(OUT, 'screen-en.png') });

    // Back to Chinese from the screen header.
    await page.getByTestId('lang-switch').click();
    assert.match(await page.getByTestId('kpi-officers').innerText(), /执法队员/);
    assertClean(problems);
  } finally {
    await close();
  }
});
