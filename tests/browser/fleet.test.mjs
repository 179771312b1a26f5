// Browser tests of the construction-waste office pages in the console, run
// against a live `sightline serve` on the demo city (see screen.test.mjs for
// the environment). With SIGHTLINE_TEST_TRUCKS=1 the demo trucks are driving
// (scripts/test.sh), so alarms arise live: the test narrows one demo permit's
// hours through the API (PUT), sees outside_hours alarms appear, handles them
// in the console, replays a track on the map, then restores the permit.
// Screenshots go to $SIGHTLINE_TEST_OUTPUT (default test-output/).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { BASE, PASSWORD, OUT, launchProfile, login } from './harness.mjs';

const TRUCKS = process.env.SIGHTLINE_TEST_TRUCKS === '1';
const TEST_TIMEOUT = 120_000;

async function openBrowser() {
  const { page, close } = await launchProfile({ viewport: { width: 1600, height: 1000 } });
  const problems = [];
  const allow = []; // regexps of problems a test provokes on purpose
  const push = (text) => {
    if (!allow.some((re) => re.test(text))) problems.push(text);
  };
  page.on('console', (msg) => {
    if (msg.type() === 'error' && !/favicon/.test(msg.text())) push(`console error: ${msg.text()}`);
  });
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  page.on('response', (res) => {
    if (res.status() >= 400) push(`HTTP ${res.status()}: ${res.request().method()} ${res.url()}`);
  });
  page.on('requestfailed', (req) => {
    const failure = req.failure() ? req.failure().errorText : 'failed';
    if (/ERR_ABORTED/.test(failure)) return; // a list superseded by a newer filter
    push(`request failed: ${req.method()} ${req.url()} ${failure}`);
  });
  page.on('dialog', (dialog) => dialog.accept());
  return { page, problems, allow, close };
}

// A plain API client with its own token (setup and checks, not the UI).
async function apiClient(username) {
  const res = await fetch(BASE + '/api/v1/auth/login', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username, password: PASSWORD }),
  });
  assert.equal(res.status, 200, 'API sign-in');
  const { token } = await res.json();
  return async (method, p, body) => {
    const r = await fetch(BASE + '/api/v1' + p, {
      method,
      headers: { Authorization: 'Bearer ' + token, 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await r.text();
    return { status: r.status, body: text ? JSON.parse(text) : null };
  };
}

const rows = (page, table) => page.getByTestId(table).getByTestId('table-row');

test('the office manages permits in the console: create, edit, refuse bad input, delete', { timeout: TEST_TIMEOUT }, async () => {
  assert.ok(PASSWORD, 'SIGHTLINE_DEMO_PASSWORD must be set');
  const api = await apiClient('admin');
  const demo = (await api('GET', '/fleet/permits?limit=1')).body.items[0];
  assert.ok(demo, 'the demo city has permits');
  const { page, problems, allow, close } = await openBrowser();
  // The bad corridor below is refused on purpose.
  allow.push(/HTTP 400: POST .*\/fleet\/(permits|speed-zones)$/, /status of 400/);
  const started = Date.now() - 1000;
  const code = 'TX-UI-' + Date.now();
  try {
    await login(page, 'admin');
    await page.waitForURL(/\/console\.html/);
    await page.getByTestId('nav-trucks').click();
    await page.getByTestId('view-trucks').waitFor();
    await rows(page, 'permits-table').first().waitFor();
    const total = (await api('GET', '/fleet/permits?limit=1')).body.total;

    // Create: geometry taken from a demo permit, a vehicle of its company.
    await page.getByTestId('permit-new').click();
    await page.getByTestId('permit-code').fill(code);
    await page.getByTestId('permit-company').selectOption(String(demo.company_id));
    await page.getByTestId('permit-vehicles').locator('input').first().check();
    await page.getByTestId('permit-from').fill('2026-01-01');
    await page.getByTestId('permit-to').fill('2027-01-01');
    await page.getByTestId('permit-windows').fill('20:00-06:00, 12:00-13:00');
    // Drawing on the map: three clicks make a source site, drag moves a
    // vertex, undo drops the last one; the JSON field follows.
    await page.locator('[data-testid="permit-draw-map"][data-ready="1"]').waitFor();
    await page.getByTestId('permit-draw-source').click();
    const box = await page.getByTestId('permit-draw-map').boundingBox();
    for (const [fx, fy] of [[0.4, 0.4], [0.6, 0.4], [0.5, 0.6]]) {
      await page.mouse.click(box.x + box.width * fx, box.y + box.height * fy);
    }
    const drawn = () => page.getByTestId('permit-source_site').inputValue().then((v) => JSON.parse(v));
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="permit-vertex"]').length === 3);
    assert.equal((await drawn()).length, 3);
    const before = (await drawn())[0];
    const v0 = await page.getByTestId('permit-vertex').first().boundingBox();
    await page.mouse.move(v0.x + v0.width / 2, v0.y + v0.height / 2);
    await page.mouse.down();
    await page.mouse.move(v0.x - 40, v0.y - 30, { steps: 5 });
    await page.mouse.up();
    await page.waitForFunction((b) => JSON.parse(document.querySelector('[data-testid="permit-source_site"]').value)[0][0] !== b, before[0]);
    assert.ok((await drawn())[0][0] < before[0], 'dragged west');
    await page.getByTestId('permit-draw-undo').click();
    assert.equal((await drawn()).length, 2);
    await page.getByTestId('permit-draw').screenshot({ path: path.join(OUT, 'fleet-permit-draw.png') });
    await page.getByTestId('permit-source_site').fill(JSON.stringify(demo.source_site));
    await page.getByTestId('permit-disposal_site').fill(JSON.stringify(demo.disposal_site));
    // A bad corridor first: the server names the field and nothing is stored.
    await page.getByTestId('permit-corridor').fill('[[120.5, 30.6]]');
    await page.getByTestId('permit-save').click();
    await page.getByTestId('permit-error').waitFor();
    assert.match(await page.getByTestId('permit-error').innerText(), /corridor/);
    assert.equal(await page.getByTestId('permit-corridor').getAttribute('class').then((c) => /bad/.test(c)), true);
    assert.equal((await api('GET', '/fleet/permits?limit=1')).body.total, total, 'nothing stored');
    await page.getByTestId('permit-corridor').fill(JSON.stringify(demo.corridor));
    await page.getByTestId('permit-save').click();
    await page.getByTestId('permit-msg').waitFor();
    const created = (await api('GET', `/fleet/permits?limit=1&offset=${total}`)).body.items[0];
    assert.equal(created.code, code);
    assert.deepEqual(created.windows, ['20:00-06:00', '12:00-13:00']);

    // Edit (the company filter finds it): the buffer changes, the rest stays.
    await page.getByTestId('permits-company').selectOption(String(demo.company_id));
    const mine = page.locator('[data-testid="permits-table"] tr', { hasText: code });
    await mine.waitFor();
    await mine.getByTestId('permit-edit').click();
    await page.getByTestId('permit-form').waitFor();
    assert.equal(await page.getByTestId('permit-code').inputValue(), code);
    await page.getByTestId('permit-buffer').fill('75');
    await page.getByTestId('permit-save').click();
    await page.getByTestId('permit-msg').waitFor();
    const edited = (await api('GET', '/fleet/permits/' + created.id)).body;
    assert.equal(edited.corridor_buffer_m, 75);
    assert.equal(edited.vehicle_ids.length, 1);
    await page.screenshot({ path: path.join(OUT, 'fleet-permits.png'), fullPage: true });

    // Delete: gone from the store; the audit log has all three writes.
    await page.locator('[data-testid="permits-table"] tr', { hasText: code }).getByTestId('permit-delete').click();
    await page.locator('[data-testid="permit-msg"]', { hasText: /已删除/ }).waitFor();
    assert.equal((await api('GET', '/fleet/permits/' + created.id)).status, 404);
    const audit = (await api('GET', '/audit?action=fleet.permit.&limit=20')).body.items
      .filter((e) => e.object_id === String(created.id) && Date.parse(e.at) >= started)
      .map((e) => e.action);
    assert.deepEqual(audit.sort(), ['fleet.permit.create', 'fleet.permit.delete', 'fleet.permit.update']);

    // Vehicles and companies of the demo city.
    await page.getByTestId('fleet-tab-vehicles').click();
    await rows(page, 'vehicles-table').first().waitFor();
    assert.ok((await rows(page, 'companies-table').count()) > 0, 'companies listed');
    await page.getByTestId('vehicles-plate').fill('nonexistent');
    await page.waitForFunction(() => !document.querySelector('[data-testid="vehicles-table"] [data-testid="table-row"]'));
    await page.getByTestId('vehicles-plate').fill('');
    await rows(page, 'vehicles-table').first().waitFor();
    await page.screenshot({ path: path.join(OUT, 'fleet-vehicles.png') });

    // A speed zone: refused without an area, then added and removed.
    await page.getByTestId('fleet-tab-zones').click();
    await page.getByTestId('zone-name').fill('UI test zone ' + code);
    await page.getByTestId('zone-limit').fill('40');
    await page.getByTestId('zone-save').click();
    await page.locator('[data-testid="zone-msg"]', { hasText: /area/ }).waitFor();
    await page.getByTestId('zone-area').fill(JSON.stringify(demo.source_site));
    await page.getByTestId('zone-save').click();
    const zoneRow = page.locator('[data-testid="zones-table"] tr', { hasText: 'UI test zone ' + code });
    await zoneRow.waitFor();
    await page.screenshot({ path: path.join(OUT, 'fleet-zones.png') });
    await zoneRow.getByTestId('zone-delete').click();
    await zoneRow.waitFor({ state: 'detached' });

    // Manifests and the rating page open (figures depend on the drive so far).
    await page.getByTestId('fleet-tab-trips').click();
    await page.getByTestId('trips-table').waitFor();
    await page.getByTestId('fleet-tab-stats').click();
    await rows(page, 'ratings-table').first().waitFor();
    assert.match(await page.getByTestId('rating-rule').innerText(), /第十条/);
    assert.deepEqual(problems, []);
  } finally {
    await close();
  }
});

test('alarms arise from the driving trucks, are handled, and the track replays on the map', { timeout: TEST_TIMEOUT, skip: !TRUCKS && 'needs the demo trucks driving (SIGHTLINE_TEST_TRUCKS=1)' }, async () => {
  assert.ok(PASSWORD, 'SIGHTLINE_DEMO_PASSWORD must be set');
  const api = await apiClient('admin');
  // The permit with the most trucks: allow only an hour that is not now, so
  // its loaded moving trucks drive outside their approved hours.
  const permits = [];
  for (let offset = 0; ; offset += 1000) {
    const page = (await api('GET', `/fleet/permits?limit=1000&offset=${offset}`)).body;
    permits.push(...page.items);
    if (permits.length >= page.total) break;
  }
  const details = await Promise.all(permits.map((p) => api('GET', '/fleet/permits/' + p.id).then((r) => r.body)));
  details.sort((a, b) => b.vehicle_ids.length - a.vehicle_ids.length);
  const original = details[0];
  const chinaHour = (new Date().getUTCHours() + 8) % 24;
  const away = String((chinaHour + 12) % 24).padStart(2, '0');
  const body = (p, windows) => ({
    code: p.code, company_id: p.company_id, vehicle_ids: p.vehicle_ids, source_site: p.source_site,
    disposal_site: p.disposal_site, corridor: p.corridor, corridor_buffer_m: p.corridor_buffer_m, windows,
    valid_from: p.valid_from, valid_to: p.valid_to,
  });
  const since = new Date(Date.now() - 1000).toISOString();
  const narrowed = await api('PUT', '/fleet/permits/' + original.id, body(original, [`${away}:00-${away}:30`]));
  assert.equal(narrowed.status, 200, JSON.stringify(narrowed.body));
  const { page, problems, close } = await openBrowser();
  try {
    let alarms = [];
    for (let i = 0; i < 60 && alarms.length < 2; i++) {
      await new Promise((r) => setTimeout(r, 1000));
      alarms = (await api('GET', `/fleet/alarms?type=outside_hours&from=${encodeURIComponent(since)}&limit=50`)).body.items
        .filter((a) => a.permit_id === original.id);
    }
    assert.ok(alarms.length >= 2, `outside_hours alarms of permit ${original.code}: ${alarms.length}`);

    await login(page, 'commander');
    await page.waitForURL(/\/screen\.html/);
    await page.goto(BASE + '/console.html#/trucks/alarms');
    await page.getByTestId('fleet-alarms').waitFor();
    await page.getByTestId('alarms-type').selectOption('outside_hours');
    await page.getByTestId('alarms-state').selectOption('open');
    await page.locator('[data-testid="alarms-table"] [data-type="outside_hours"]').first().waitFor();
    await page.screenshot({ path: path.join(OUT, 'fleet-alarms.png') });

    // Acknowledge one, escalate another; the store records both.
    const first = rows(page, 'alarms-table').nth(0);
    await first.getByTestId('alarm-ack').click();
    await first.locator('[data-testid="alarm-state"]', { hasText: '已确认' }).waitFor();
    const second = rows(page, 'alarms-table').nth(1);
    await second.getByTestId('alarm-escalate').click();
    await page.locator('[data-testid="alarm-msg"]', { hasText: '已转城市事件' }).waitFor();
    const escalatedId = Number((await page.getByTestId('alarm-msg').innerText()).replace(/.*#/, ''));
    const stored = (await api('GET', '/fleet/alarms/' + escalatedId)).body;
    assert.ok(stored.escalated, 'the alarm records its escalation');
    const audit = (await api('GET', '/audit?action=fleet.alarm.&limit=20')).body.items.map((e) => e.action);
    assert.ok(audit.includes('fleet.alarm.acknowledge') && audit.includes('fleet.alarm.escalate'), audit.join());

    // Track playback around the escalated alarm: points, the alarm marked.
    await second.getByTestId('alarm-track').click();
    await page.getByTestId('fleet-track').waitFor();
    await page.locator('[data-testid="track-summary"]', { hasText: /\d+ 个定位点/ }).waitFor({ timeout: 20_000 });
    const summary = await page.getByTestId('track-summary').innerText();
    assert.ok(Number(summary.match(/(\d+) 个定位点/)[1]) > 2, summary);
    // The alarms of the period arrive in their own request, after the points.
    await page.getByTestId('track-alarm').first().waitFor().catch(() => {});
    assert.ok((await page.getByTestId('track-alarm').count()) >= 1, 'alarms marked on the track');
    await page.getByTestId('track-marker').waitFor();
    await page.waitForFunction(() => {
      const m = document.querySelector('.maplibregl-canvas');
      return m && m.width > 0;
    });
    const before = await page.getByTestId('track-seek').inputValue();
    await page.getByTestId('track-speed').fill('600');
    await page.getByTestId('track-play').click();
    await page.waitForFunction((b) => document.querySelector('[data-testid="track-seek"]').value !== b, before);
    await page.getByTestId('track-play').click(); // pause
    // Context: the towns are drawn and the truck's permit is on the map.
    assert.match(await page.getByTestId('track-summary').innerText(), /[1-9]\d* 张核准证/);
    assert.ok((await page.locator('.fleet-town-label').count()) > 0, 'town names shown');
    // An alarm marker opens a popup naming the alarm.
    await page.getByTestId('track-alarm').first().click();
    const popup = page.getByTestId('track-alarm-popup');
    await popup.waitFor();
    assert.match(await popup.innerText(), /非核准时段运输|偏离|超速|未|报警|转/);
    await page.waitForTimeout(500);
    await page.screenshot({ path: path.join(OUT, 'fleet-track.png') });

    // Statistics list the permit's alarms for the period.
    await page.getByTestId('fleet-tab-stats').click();
    await page.getByTestId('stats-group').selectOption('site');
    await page.locator('[data-testid="stats-table"] tr', { hasText: original.code }).waitFor();
    await page.screenshot({ path: path.join(OUT, 'fleet-stats.png'), fullPage: true });
    assert.deepEqual(problems, []);
  } finally {
    await close();
    const restored = await api('PUT', '/fleet/permits/' + original.id, body(original, original.windows));
    assert.equal(restored.status, 200, 'permit restored');
  }
});
