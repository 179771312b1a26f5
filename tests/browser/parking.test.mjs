// Browser tests of smart parking against a live `sightline serve` with the
// demo city, its MQTT broker and the parking sensor simulator (scripts/test.sh):
// the public phone page (no login, live availability, guidance) and the
// planners' analytics page in the console. Screenshots go to
// $SIGHTLINE_TEST_OUTPUT (default test-output/).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { BASE, PASSWORD, OUT, needPassword, openBrowser, assertClean, login } from './harness.mjs';

const TEST_TIMEOUT = 30_000;

test('the public parking page lists lots with free spaces, tariffs and guidance, without a login', { timeout: TEST_TIMEOUT }, async () => {
  const { page, problems, close } = await openBrowser();
  try {
    await page.setViewportSize({ width: 412, height: 915 });
    await page.goto(BASE + '/parking.html');
    await page.waitForFunction(() => window.__slParking && window.__slParking.loaded === true);
    const lots = await page.getByTestId('parking-lot').count();
    assert.ok(lots > 20, `lots listed: ${lots}`);
    const total = await page.getByTestId('parking-total-free').textContent();
    assert.match(total, /\d+/, 'a free-space total is shown');
    await page.locator('[data-testid="parking-live"][data-state="open"]').waitFor();
    // Tariff text is shown with each lot (收费: first period, further periods).
    assert.match(await page.getByTestId('parking-lot').first().textContent(), /元|¥/);
    await page.getByTestId('parking-guide').click();
    await page.getByTestId('parking-guidance').waitFor();
    if (process.env.SIGHTLINE_TEST_PARKING === '1') {
      // The simulator publishes through the broker: live updates arrive.
      await page.waitForFunction(() => (window.__slParking.updates || 0) > 0, null, { timeout: 15_000 });
    }
    await page.screenshot({ path: path.join(OUT, 'parking-public.png'), fullPage: false });
    assertClean(problems);
  } finally {
    await close();
  }
});

test('a leader opens the parking analytics with charts, KPIs and price advice', { timeout: 60_000 }, async () => {
  needPassword();
  const { page, problems, close } = await openBrowser();
  try {
    await login(page, 'leader', PASSWORD);
    await page.waitForURL(/\/screen\.html/);
    // Leaving the screen cuts its requests in flight; that is not a failure.
    problems.allow.push(/net::ERR_ABORTED/);
    await page.goto(BASE + '/console.html#parking');
    // The history loads in the background after start; the page says so and a reload shows it.
    for (let i = 0; i < 20; i++) {
      const ok = await page
        .waitForFunction(() => window.__slParkingAnalytics && window.__slParkingAnalytics.loaded === true, null, { timeout: 2000 })
        .then(() => true, () => false);
      if (ok) break;
      problems.allow.push(/HTTP 503: GET .*\/api\/v1\/parking\/analytics/);
      await page.reload();
    }
    const sessions = await page.evaluate(() => window.__slParkingAnalytics.sessions);
    assert.ok(sessions > 1000, `sessions in the analytics store: ${sessions}`);
    assert.equal(await page.getByTestId('parking-kpi').count(), 8);
    for (const id of ['parking-chart-hour', 'parking-chart-heat', 'parking-chart-day', 'parking-chart-town'])
      assert.ok((await page.getByTestId(id).locator('canvas').count()) >= 1, id + ' drawn');
    assert.ok((await page.getByTestId('parking-advice').locator('tbody tr').count()) > 5, 'price advice rows');
    await page.waitForTimeout(800);  // chart animations settle
    await page.screenshot({ path: path.join(OUT, 'parking-analytics.png'), fullPage: true });
    // The xlsx export answers with a workbook.
    const token = await page.evaluate(() => localStorage.getItem('sl.token') || sessionStorage.getItem('sl.token'));
    assert.ok(token, 'signed in');
    const res = await page.request.get(BASE + '/api/v1/parking/analytics.xlsx', { headers: { Authorization: 'Bearer ' + token } });
    assert.equal(res.status(), 200);
    assert.equal((await res.body()).subarray(0, 2).toString(), 'PK', 'an xlsx (zip) file');
    assertClean(problems);
  } finally {
    await close();
  }
});
