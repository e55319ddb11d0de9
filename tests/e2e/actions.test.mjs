// Commitments and mission-level actions in Debian's Chromium against the real server (issue 15
// items 3, 4 and 6). A coordinator of China creates a commitment (Action for Peacekeeping,
// Safety and Security) and, on its page, an action in MINUSCA for Rwanda with one indicator; a
// focal point of Rwanda opens the action, posts a progress update with an indicator value and
// the status "In progress", then a second one that makes it done; the coordinator's commitment
// page then says "1 done of 1", as the API's counts do. The action page fits 1366 and 360 px
// without sideways scrolling, also in Arabic (mirrored). Screenshots: action-1366.png,
// action-360.png, action-ar.png (in the build tree's screenshot folder and in /tmp/shots).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { apiAs, appI18n, axeViolations, catalog, sidewaysScroll, stage } from './harness.mjs';

const PASSWORD = 'Peacekeeping-e2e-2026';
const COORD = 'chn.coord';
const FOCAL = 'rwa.focal';
const TITLE = 'Night-capable patrols on the Bambari road';
const ACTION = 'Equip Sector West patrols for night movement';
const INDICATOR = 'Patrols able to move at night';
const en = catalog('en');

// The server, the browser and the signed-in pages ("sides"): harness.mjs's stage.
let st;
let server;

const open = (name, user, size, lang = 'en') =>
  st.open(name, user, { viewport: size, locale: lang });
const call = (name, method, url, body) => st.call(name, method, url, body);
const shot = (page, name) => st.shot(page, `action-${name}.png`);

// A PATCH as the browser's signed-in user with If-Match (apiAs sends no such header).
async function patchAs(name, url, revision, body) {
  const page = st.sides[name].page;
  const cookie = (await page.context().cookies()).find((c) => c.name === 'bh_session');
  const headers = { Cookie: `bh_session=${cookie.value}` };
  const s = await (await fetch(`${server.url}/api/v1/session`, { headers })).json();
  const res = await fetch(`${server.url}${url}`, {
    method: 'PATCH',
    headers: {
      ...headers,
      'X-CSRF-Token': s.csrf_token,
      'Content-Type': 'application/json',
      'If-Match': `"${revision}"`,
    },
    body: JSON.stringify(body),
  });
  assert.equal(res.status, 200, `PATCH ${url}: ${await res.text()}`);
}

// An English message with its parameters, as the page shows it (plain {name} parameters only).
function words(id, params = {}) {
  return en[id].replace(/\{(\w+)\}/g, (_, k) => String(params[k]));
}

before(async () => {
  st = await stage('actions', PASSWORD, [
    [COORD, 'CHN', 'coordinator'],
    [FOCAL, 'RWA', 'focal_point'],
  ]);
  server = st.server;
});

after(async () => {
  if (st) await st.end();
});

test('actions: commitment and action made, updated by the responsible organization, done', async () => {
  // ---- the coordinator creates the commitment ----
  const coord = await open('coord', COORD);
  await coord.goto(`${server.url}/#/commitments`);
  await coord.getByRole('heading', { level: 1, name: en['commitments.title'] }).waitFor();
  await coord.getByRole('link', { name: en['commitments.new'] }).click();
  await coord.getByRole('heading', { level: 1, name: en['commitments.new_title'] }).waitFor();
  const cform = coord.locator('form.commitment-form');
  // Nothing filled in: the problems at their fields, nothing sent.
  await cform.getByRole('button', { name: en['commitments.create'] }).click();
  await cform
    .locator('[data-field="title"] .field-error')
    .getByText(en['commitments.problem_title'])
    .waitFor();
  await cform
    .locator('[data-field="source"] .field-error')
    .getByText(en['commitments.problem_source'])
    .waitFor();
  await cform.getByLabel(en['commitments.title_field']).fill(TITLE);
  await cform.getByLabel(en['commitments.source'], { exact: true }).selectOption('a4p');
  await cform
    .getByLabel(en['commitments.a4p_area'])
    .selectOption({ label: en['commitments.a4p.safety_security'] });
  await cform.getByLabel(en['commitments.made_on']).fill('2026-01-15');
  await cform.getByLabel(en['commitments.description']).fill('Patrols by **night** as well.');
  await cform.getByRole('button', { name: en['commitments.create'] }).click();
  await coord.getByRole('heading', { level: 1, name: TITLE }).waitFor();
  const commitmentId = decodeURIComponent(/#\/commitments\/([^?]+)/.exec(coord.url())[1]);
  const made = await call('coord', 'GET', `/api/v1/commitments/${commitmentId}`);
  assert.equal(made.source, 'a4p');
  assert.equal(made.a4p_area, 'safety_security');
  assert.equal(made.made_on, '2026-01-15');
  await coord.getByText(en['commitments.a4p.safety_security']).first().waitFor();
  // The description is Markdown, shown as such.
  await coord.locator('article.narrative strong').getByText('night').waitFor();

  // ---- and an action in MINUSCA for Rwanda, with one indicator ----
  const aform = coord.locator('form.action-form');
  await aform.getByLabel(en['actions.title_field']).fill(ACTION);
  await aform.getByLabel(en['actions.mission']).selectOption('MINUSCA');
  await aform.getByLabel(en['actions.responsible_org']).selectOption('RWA');
  await aform.getByLabel(en['actions.responsible_unit']).fill('Sector West');
  await aform.getByLabel(en['actions.description']).fill('Night vision for **every** patrol.');
  await aform.getByLabel(en['actions.due_date']).fill('2099-06-30');
  await aform.getByRole('button', { name: en['actions.add_indicator'] }).click();
  const row = aform.locator('.indicator-row').first();
  await row.getByLabel(en['actions.indicator_name'], { exact: true }).fill(INDICATOR);
  await row.getByLabel(en['actions.indicator_unit']).fill('patrols');
  await row.getByLabel(en['actions.indicator_baseline']).fill('0');
  await row.getByLabel(en['actions.indicator_target']).fill('20');
  await aform.getByRole('button', { name: en['commitments.add_action_submit'] }).click();
  const link = coord.locator('tr.action-row').getByRole('link', { name: ACTION });
  await link.waitFor();
  const actionId = decodeURIComponent(/#\/actions\/(.+)$/.exec(await link.getAttribute('href'))[1]);
  const action = await call('coord', 'GET', `/api/v1/actions/${actionId}`);
  assert.equal(action.mission, 'MINUSCA');
  assert.equal(action.responsible_org, 'RWA');
  assert.equal(action.status, 'planned');
  assert.equal(action.indicators.length, 1);
  assert.equal(action.indicators[0].target, 20);
  // The table shows the due day in the action's zone (the mission's: none was given).
  assert.ok(action.time_zone, 'the action takes the mission time zone');
  await coord.locator('tr.action-row').getByText(`(${action.time_zone})`).waitFor();

  // ---- Rwanda's focal point reports progress ----
  const focal = await open('focal', FOCAL);
  await focal.goto(`${server.url}/#/actions/${encodeURIComponent(actionId)}`);
  await focal.getByRole('heading', { level: 1, name: ACTION }).waitFor();
  await focal.locator('.badges').getByText(en['actions.status.planned']).waitFor();
  await focal.getByText(en['actions.no_updates']).waitFor();
  await focal.locator('article.narrative strong').getByText('every').waitFor();
  let uform = focal.locator('form.update-form');
  await uform.getByLabel(en['actions.note']).fill('Eight patrols equipped with night vision.');
  await uform.getByLabel(en['actions.new_status']).selectOption('in_progress');
  await uform.getByLabel(INDICATOR, { exact: false }).fill('8');
  await uform.getByRole('button', { name: en['actions.add_evidence'] }).click();
  await uform.getByLabel(en['actions.evidence_ref']).fill('https://example.org/report');
  await uform.getByLabel(en['actions.evidence_label']).fill('Sector report');
  await uform.getByRole('button', { name: en['actions.post_update'] }).click();
  await focal.getByText(en['actions.update_posted']).waitFor();
  await focal.locator('.badges').getByText(en['actions.status.in_progress']).waitFor();
  const first = focal.locator('.timeline li.update').first();
  await first.getByText('Eight patrols equipped with night vision.').waitFor();
  await first
    .getByText(
      words('actions.status_change', {
        from: en['actions.status.planned'],
        to: en['actions.status.in_progress'],
      }),
    )
    .waitFor();
  await first.getByText(words('actions.indicator_value', { name: INDICATOR, value: 8 })).waitFor();
  const evidence = first.getByRole('link', { name: 'Sector report' });
  assert.equal(await evidence.getAttribute('href'), 'https://example.org/report');
  assert.equal(await evidence.getAttribute('rel'), 'noopener noreferrer');
  // The indicator's current value and its progress (8 of 20: 40 %).
  const ind = focal.locator('table').first();
  await ind.getByText('40%').waitFor();
  const afterFirst = await call('focal', 'GET', `/api/v1/actions/${actionId}`);
  assert.equal(afterFirst.status, 'in_progress');
  assert.equal(afterFirst.indicators[0].current, 8);
  assert.equal(afterFirst.updates.length, 1);

  // Screenshots with one update on the page; nothing scrolls sideways.
  await shot(focal, '1366');
  assert.equal(await sidewaysScroll(focal), 0, 'no sideways scroll at 1366 px');
  await focal.setViewportSize({ width: 360, height: 780 });
  await focal.getByRole('heading', { level: 1, name: ACTION }).waitFor();
  assert.equal(await sidewaysScroll(focal), 0, 'no sideways scroll at 360 px');
  await shot(focal, '360');
  await focal.setViewportSize({ width: 1366, height: 900 });

  // The second update makes it done.
  uform = focal.locator('form.update-form');
  await uform.getByLabel(en['actions.note']).fill('All twenty patrols equipped.');
  await uform.getByLabel(en['actions.new_status']).selectOption('done');
  await uform.getByLabel(INDICATOR, { exact: false }).fill('20');
  await uform.getByRole('button', { name: en['actions.post_update'] }).click();
  await focal.locator('.badges').getByText(en['actions.status.done']).waitFor();
  await focal.locator('.timeline li.update').nth(1).waitFor();
  assert.equal(
    await focal.locator('.timeline li.update').first().locator('.update-note').innerText(),
    'All twenty patrols equipped.',
    'newest first',
  );
  // When it was done: in the reader's zone (this browser's, UTC) and, beside it, in the
  // action's own, as i18n.js's instant() writes them.
  const doneAction = await call('focal', 'GET', `/api/v1/actions/${actionId}`);
  const { DATE_TIME_FORMAT } = await appI18n();
  const at = (text, zone) =>
    new Intl.DateTimeFormat('en-GB', {
      ...DATE_TIME_FORMAT,
      timeZone: zone,
      timeZoneName: 'short',
    }).format(new Date(text));
  const place = doneAction.time_zone.split('/').pop().replace(/_/g, ' ');
  await focal.getByText(at(doneAction.done_at, 'UTC'), { exact: false }).first().waitFor();
  await focal
    .getByText(
      words('actions.due_in_zone', {
        date: at(doneAction.done_at, doneAction.time_zone),
        zone: place,
      }),
      { exact: true },
    )
    .waitFor();
  assert.equal(
    await focal.locator('.timeline li.update .update-time').first().textContent(),
    at(doneAction.updates.find((u) => u.status_to === 'done').at, 'UTC'),
  );

  // ---- the coordinator's commitment page: 1 done of 1 ----
  await coord.reload();
  await coord.getByRole('heading', { level: 1, name: TITLE }).waitFor();
  await coord.getByText(words('commitments.done_of', { done: 1, total: 1 })).waitFor();
  await coord.locator('tr.action-row').getByText(en['actions.status.done']).waitFor();
  const counts = (await call('coord', 'GET', `/api/v1/commitments/${commitmentId}`)).actions;
  assert.equal(counts.total, 1);
  assert.equal(counts.done, 1);
  assert.equal(counts.overdue, 0);
  // ---- editing with If-Match: a change made meanwhile is not overwritten ----
  await coord.goto(`${server.url}/#/actions/${encodeURIComponent(actionId)}`);
  await coord.getByRole('heading', { level: 1, name: ACTION }).waitFor();
  const edit = coord.locator('details.edit-action');
  await edit.locator('summary').click();
  await edit.getByLabel(en['actions.responsible_unit']).fill('Sector West HQ');
  const read = await call('coord', 'GET', `/api/v1/actions/${actionId}`);
  await patchAs('coord', `/api/v1/actions/${actionId}`, read.revision, {
    responsible_unit: 'Sector West (Bambari)',
  });
  await edit.getByRole('button', { name: en['actions.save'] }).click();
  await edit.getByText(en['actions.changed_elsewhere']).waitFor();
  assert.equal(
    (await call('coord', 'GET', `/api/v1/actions/${actionId}`)).responsible_unit,
    'Sector West (Bambari)',
  );
  await coord.reload();
  await coord.locator('details.edit-action summary').click();
  await coord
    .locator('details.edit-action')
    .getByLabel(en['actions.responsible_unit'])
    .fill('Sector West HQ');
  await coord
    .locator('details.edit-action')
    .getByRole('button', { name: en['actions.save'] })
    .click();
  await coord.getByText(en['actions.saved']).waitFor();
  assert.equal(
    (await call('coord', 'GET', `/api/v1/actions/${actionId}`)).responsible_unit,
    'Sector West HQ',
  );

  // And in the list, with the filter for the area.
  await coord.goto(`${server.url}/#/commitments?a4p_area=safety_security`);
  const listed = coord.locator('tr.commitment-row', { hasText: TITLE });
  await listed.getByText(words('commitments.done_of', { done: 1, total: 1 })).waitFor();

  // An action whose due day has passed: flagged on the commitment's page and counted.
  const late = await call('coord', 'POST', `/api/v1/commitments/${commitmentId}/actions`, {
    title: 'Review the convoy escort rules',
    mission: 'MINUSCA',
    responsible_org: 'RWA',
    due_date: '2026-02-01',
  });
  assert.equal(late.overdue, true);
  await coord.goto(`${server.url}/#/commitments/${encodeURIComponent(commitmentId)}`);
  const lateRow = coord.locator('tr.action-row.row-overdue');
  await lateRow.getByRole('link', { name: 'Review the convoy escort rules' }).waitFor();
  await lateRow.getByText(en['actions.overdue'], { exact: true }).waitFor();
  assert.equal(await coord.locator('tr.row-overdue').count(), 1);
  await coord.getByText(words('commitments.done_of', { done: 1, total: 2 })).waitFor();
  await coord.locator('.facts .badge-overdue').getByText('1 overdue').waitFor();

  // The list, the commitment and the form at 360 px: no sideways scroll, no serious axe
  // violation.
  await coord.setViewportSize({ width: 360, height: 780 });
  for (const [hash, heading] of [
    ['#/commitments', en['commitments.title']],
    [`#/commitments/${encodeURIComponent(commitmentId)}`, TITLE],
    ['#/commitments/new', en['commitments.new_title']],
    [`#/actions/${encodeURIComponent(actionId)}`, ACTION],
  ]) {
    await coord.goto(`${server.url}/${hash}`);
    await coord.getByRole('heading', { level: 1, name: heading }).waitFor();
    await coord.locator('main [role=status].loading').waitFor({ state: 'detached' });
    assert.equal(await sidewaysScroll(coord), 0, `${hash}: no sideways scroll at 360 px`);
    assert.deepEqual(await axeViolations(coord), [], `${hash}: no serious axe violation`);
  }
});

test('actions/arabic: the action page mirrored, fitting 1366 and 360 px', async () => {
  const ar = catalog('ar');
  const page = await open('arabic', FOCAL, { width: 1366, height: 900 }, 'ar');
  const list = await call('arabic', 'GET', '/api/v1/actions?responsible_org=RWA');
  assert.ok(list.items.length >= 1, 'the focal point sees the action');
  const a = list.items[0];
  await page.goto(`${server.url}/#/actions/${encodeURIComponent(a.id)}`);
  await page.getByRole('heading', { level: 1, name: a.title }).waitFor();
  await page.locator('.badges').getByText(ar[`actions.status.${a.status}`]).waitFor();
  assert.equal(await page.evaluate(() => document.documentElement.dir), 'rtl');
  assert.equal(await sidewaysScroll(page), 0, 'no sideways scroll in Arabic at 1366 px');
  await shot(page, 'ar');
  await page.setViewportSize({ width: 360, height: 780 });
  await page.getByRole('heading', { level: 1, name: a.title }).waitFor();
  assert.equal(await sidewaysScroll(page), 0, 'no sideways scroll in Arabic at 360 px');
});
