// Capacity building, the browser test (issue 17), in Debian's Chromium against the real
// server. Rwanda's focal point posts a need through the need form (12 seats, high priority, for
// a mission); Brazil's focal point posts a matching offer (20 seats) through the offer form.
// The gap report by mission shows the mission's row with 1 need unmet and 0 % covered. Brazil's
// coordinator (a party) sees the proposed pair with no "Confirm"; China's coordinator (a third
// organization) finds it on the matches page and confirms it; the confirmed list shows it, the
// API has it, and the provider's coordinator gets no "Cancel" for it. The gap report then says
// unmet 0, 100 % covered and a median number of days to match; the CSV downloaded from its link
// holds the same figures. The training page lists a course (with a delivery) seeded through the
// API, and its page shows the delivery; the provider adds a delivery, edits one (an
// organization listed twice is refused at the participants, nothing stored) and creates a
// course through the form. The coordinator cancels the match (a reason is asked for first),
// and two providers' overlapping offers to Rwanda appear in the duplicated-support panel. At
// 360 px nothing scrolls sideways, axe finds nothing serious, and no console error appears.
// Screenshots: capacity-matches-1366.png, capacity-gaps-360.png, capacity-training-360.png
// (and capacity-duplicates-360.png).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, before, test } from 'node:test';
import { axeViolations, catalog, sidewaysScroll, stage } from './harness.mjs';

const PASSWORD = 'Capacity-e2e-2026-coordination';
const FOCAL = 'rwa.focal'; // the contributor that needs
const PROVIDER = 'bra.focal'; // the provider that offers (and trains)
const PCOORD = 'bra.coord'; // a coordinator of the provider: a party
const COORD = 'chn.coord'; // a coordinator of a third organization
const NEED = 'Counter-IED search course for the engineer company';
const OFFER = 'Counter-IED search mobile training team';
const COURSE = 'Counter-IED search: train the trainers';
const PHONE = { width: 360, height: 780 };
const en = catalog('en');

let st;
let server;

const open = (side, user, options = {}) => st.open(side, user, { locale: 'en', ...options });

// The branch of an English plural message for `n`, # replaced.
function plural(message, n) {
  const branch = n === 1 ? 'one' : 'other';
  const m = new RegExp(`${branch} \\{([^{}]*)\\}`).exec(message);
  assert.ok(m, `no branch for ${n} in ${message}`);
  return m[1].replace('#', String(n));
}

// A message with its {parameters} replaced (no plural in it).
function fill(message, params) {
  return Object.entries(params).reduce((s, [k, v]) => s.split(`{${k}}`).join(v), message);
}

// A CSV text (RFC 4180, no quoted line breaks in this report) as rows of fields.
function parseCsv(text) {
  return text
    .split(/\r?\n/)
    .filter(Boolean)
    .map((line) => {
      const out = [];
      let cur = '';
      let quoted = false;
      for (let i = 0; i < line.length; i++) {
        const c = line[i];
        if (quoted && c === '"' && line[i + 1] === '"') {
          cur += '"';
          i++;
        } else if (c === '"') quoted = !quoted;
        else if (c === ',' && !quoted) {
          out.push(cur);
          cur = '';
        } else cur += c;
      }
      out.push(cur);
      return out;
    });
}

// The cells of the gap table's row of `key`, as text.
async function gapRow(page, key) {
  const row = page.locator(`table tr.gaps-row[data-key="${key}"]`);
  await row.waitFor();
  return row.locator('td').allInnerTexts();
}

before(async () => {
  st = await stage('capacity', PASSWORD, [
    [FOCAL, 'RWA', 'focal_point'],
    [PROVIDER, 'BRA', 'focal_point'],
    [PCOORD, 'BRA', 'coordinator'],
    [COORD, 'CHN', 'coordinator'],
  ]);
  server = st.server;
});

after(async () => {
  if (st) await st.end();
});

test('capacity: need and offer, the gap report, a confirmed match, training', async () => {
  const page = await open('focal', FOCAL);
  const vocab = (await st.call('focal', 'GET', '/api/v1/vocabulary')).capacity;
  const capability = Object.keys(vocab.capabilities).find(
    (c) => vocab.capabilities[c].category === 'training' && vocab.capabilities[c].unit === 'seats',
  );
  assert.ok(capability, 'a training capability counted in seats');
  const french = vocab.languages.fr;

  // The need, through the form, for a mission.
  await page.goto(`${server.url}/#/capacity/needs/new`);
  await page.getByRole('heading', { level: 1, name: en['capacity.need_form_new'] }).waitFor();
  await page.getByLabel(en['capacity.form_category'], { exact: true }).selectOption('training');
  await page.getByLabel(en['capacity.form_capability'], { exact: true }).selectOption(capability);
  await page.getByLabel(en['capacity.form_title'], { exact: true }).fill(NEED);
  await page.getByLabel(en['capacity.need_f_quantity'], { exact: true }).fill('12');
  await page.getByLabel(en['capacity.form_priority'], { exact: true }).selectOption('high');
  await page.getByLabel(en['capacity.form_starts_on'], { exact: true }).fill('2027-01-10');
  await page.getByLabel(en['capacity.form_ends_on'], { exact: true }).fill('2027-03-31');
  await page.getByRole('checkbox', { name: french, exact: true }).check();
  const missionSelect = page.getByLabel(en['capacity.need_f_mission'], { exact: true });
  const missions = (
    await missionSelect.locator('option').evaluateAll((os) => os.map((o) => o.value))
  ).filter(Boolean);
  assert.ok(missions.length > 0, 'the form offers missions');
  const mission = missions[0];
  await missionSelect.selectOption(mission);
  await page.getByRole('button', { name: en['capacity.form_save'] }).click();
  await page.waitForURL(/#\/capacity\/needs\/(?!new$)[^/]+$/);
  const needId = decodeURIComponent(page.url().split('/').pop());
  await page.getByRole('heading', { level: 1, name: NEED }).waitFor();
  const need = await st.call('focal', 'GET', `/api/v1/capacity/needs/${needId}`);
  assert.equal(need.mission, mission);
  assert.equal(need.quantity, 12);

  // The matching offer, through the offer form.
  const provider = await open('provider', PROVIDER);
  await provider.goto(`${server.url}/#/capacity/offers/new`);
  await provider.getByRole('heading', { level: 1, name: en['capacity.offer_form_new'] }).waitFor();
  await provider.getByLabel(en['capacity.form_category'], { exact: true }).selectOption('training');
  await provider
    .getByLabel(en['capacity.form_capability'], { exact: true })
    .selectOption(capability);
  await provider.getByLabel(en['capacity.form_title'], { exact: true }).fill(OFFER);
  await provider.getByLabel(en['capacity.offer_f_capacity'], { exact: true }).fill('20');
  await provider.getByLabel(en['capacity.form_starts_on'], { exact: true }).fill('2027-01-01');
  await provider.getByLabel(en['capacity.form_ends_on'], { exact: true }).fill('2027-06-30');
  await provider.getByRole('checkbox', { name: french, exact: true }).check();
  await provider.getByRole('button', { name: en['capacity.form_save'] }).click();
  await provider.waitForURL(/#\/capacity\/offers\/(?!new$)[^/]+$/);
  const offerId = decodeURIComponent(provider.url().split('/').pop());
  await provider.getByRole('heading', { level: 1, name: OFFER }).waitFor();

  // The gap report by mission: the mission's row, 1 need unmet, nothing covered.
  await page.goto(`${server.url}/#/capacity/gaps`);
  await page.getByRole('heading', { level: 1, name: en['capacity.gaps_title'] }).waitFor();
  const before0 = await st.call('focal', 'GET', '/api/v1/capacity/gaps?by=mission');
  const apiRow0 = before0.rows.find((r) => r.key === mission);
  assert.equal(apiRow0.unmet, 1);
  assert.equal(apiRow0.covered_share, 0);
  let cells = await gapRow(page, mission);
  assert.equal(cells[0], mission);
  assert.equal(cells[2], '1', 'open needs');
  assert.equal(cells[3], '1', 'unmet');
  assert.match(cells[4], /^0\s?%$/, 'share covered');
  assert.equal(cells[7], '—', 'no median before a match');
  assert.match(await page.locator('.as-of').innerText(), /\d{2}:\d{2}/);

  // The provider's coordinator is a party: the pair is proposed, with no "Confirm".
  const pcoord = await open('pcoord', PCOORD);
  await pcoord.goto(`${server.url}/#/capacity/matches`);
  const partyRow = pcoord.locator('tr.match-assignment', { hasText: NEED });
  await partyRow.waitFor();
  assert.ok((await partyRow.innerText()).includes(OFFER));
  assert.equal(await partyRow.getByRole('button').count(), 0, 'no Confirm for a party');

  // China's coordinator finds the pair and confirms it.
  const coord = await open('coord', COORD);
  await coord.goto(`${server.url}/#/capacity/matches`);
  await coord.getByRole('heading', { level: 1, name: en['capacity.match_title'] }).waitFor();
  const proposal = await st.call('coord', 'GET', '/api/v1/capacity/proposal');
  const pair = proposal.assignments.find((a) => a.need.id === needId && a.offer.id === offerId);
  assert.ok(pair, 'the API proposes the pair');
  assert.equal(pair.quantity, 12);
  const headline = coord.locator('.match-headline-text');
  await headline.waitFor();
  assert.ok((await headline.innerText()).includes(String(proposal.weighted)), 'the objective');
  const row = coord.locator('tr.match-assignment', { hasText: NEED });
  assert.ok((await row.innerText()).includes(OFFER));
  assert.ok(
    (await row.innerText()).includes(plural(en['capacity.common_amount_seats'], 12)),
    'the quantity with its unit',
  );
  await st.shot(coord, 'capacity-matches-1366.png');
  assert.deepEqual(await axeViolations(coord), [], 'the matches page passes axe');
  await row
    .getByRole('button', {
      name: fill(en['capacity.match_confirm_pair'], { need: NEED, offer: OFFER }),
    })
    .click();
  await coord.getByText(fill(en['capacity.match_confirmed'], { need: NEED })).waitFor();
  const confirmed = coord.locator('tr.match-row', { hasText: NEED });
  await confirmed.waitFor();
  assert.ok((await confirmed.innerText()).includes(OFFER));
  assert.equal(
    await confirmed.getByRole('button', { name: en['capacity.match_cancel'] }).count(),
    1,
  );
  const matches = await st.call('coord', 'GET', '/api/v1/capacity/matches');
  assert.equal(matches.items.length, 1);
  assert.equal(matches.items[0].need.id, needId);
  assert.equal(matches.items[0].offer.id, offerId);
  assert.equal(matches.items[0].quantity, 12);
  assert.equal(await coord.locator('tr.match-assignment', { hasText: NEED }).count(), 0);

  // The provider's coordinator sees the match, with no "Cancel".
  await pcoord.reload();
  const theirs = pcoord.locator('tr.match-row', { hasText: NEED });
  await theirs.waitFor();
  assert.equal(await theirs.getByRole('button').count(), 0, 'no Cancel for a party');

  // The matches on a phone: each row a card, nothing sideways.
  await coord.setViewportSize(PHONE);
  await coord.reload();
  await coord.locator('tr.match-row', { hasText: NEED }).waitFor();
  assert.equal(await sidewaysScroll(coord), 0, 'the matches do not scroll sideways');

  // The gap report now shows the change.
  const after1 = await st.call('focal', 'GET', '/api/v1/capacity/gaps?by=mission');
  const apiRow1 = after1.rows.find((r) => r.key === mission);
  assert.equal(apiRow1.unmet, 0);
  assert.equal(apiRow1.covered_share, 1);
  assert.equal(apiRow1.fully_covered, 1);
  assert.notEqual(apiRow1.median_days_to_match, null);
  await page.reload();
  cells = await gapRow(page, mission);
  assert.equal(cells[3], '0', 'unmet');
  assert.match(cells[4], /^100\s?%$/, 'share covered');
  assert.equal(cells[5], '1', 'fully covered');
  assert.equal(
    cells[7],
    plural(en['capacity.gaps_days'], Math.round(apiRow1.median_days_to_match)),
    'median days to match',
  );
  const total = page.locator('table tr.gaps-total');
  assert.match(await total.innerText(), new RegExp(en['capacity.gaps_total']));

  // The CSV download holds the new figures.
  const link = page.getByRole('link', { name: en['capacity.gaps_download_csv'] });
  const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
  assert.match(download.suggestedFilename(), /^bluehelm-gaps-mission-\d{4}-\d{2}-\d{2}\.csv$/);
  const csv = parseCsv(fs.readFileSync(await download.path(), 'utf8'));
  const head = csv[0];
  const line = csv.find((r) => r[0] === mission);
  assert.ok(line, 'the mission has its line');
  assert.equal(line[head.indexOf('unmet')], '0');
  assert.equal(Number(line[head.indexOf('covered_share')]), 1);
  assert.equal(line[head.indexOf('fully_covered')], '1');
  assert.notEqual(line[head.indexOf('median_days_to_match')], '');
  assert.equal(csv[csv.length - 1][0], 'total');

  // By contributing country: Rwanda's row.
  await page.getByRole('link', { name: en['capacity.gaps_by_org'] }).click();
  await page.waitForURL(/by=org/);
  cells = await gapRow(page, 'RWA');
  assert.equal(cells[2], '1');

  // The gap report on a phone.
  await page.setViewportSize(PHONE);
  await page.goto(`${server.url}/#/capacity/gaps?by=mission`);
  await gapRow(page, mission);
  assert.equal(await sidewaysScroll(page), 0, 'the gap report does not scroll sideways');
  await st.shot(page, 'capacity-gaps-360.png');
  assert.deepEqual(await axeViolations(page), [], 'the gap report passes axe');

  // Training: a course with a delivery, seeded through the API, listed and shown.
  const course = await st.call('provider', 'POST', '/api/v1/capacity/training', {
    capability,
    title: COURSE,
    languages: ['fr'],
    tlp: 'GREEN',
  });
  const withDelivery = await st.call(
    'provider',
    'POST',
    `/api/v1/capacity/training/${course.id}/deliveries`,
    {
      status: 'completed',
      starts_on: '2027-02-01',
      ends_on: '2027-02-12',
      location: 'Bamako',
      mission,
      participants: [{ org: 'RWA', enrolled: 10, completed: 9 }],
    },
  );
  assert.equal(withDelivery.deliveries.length, 1);
  await page.goto(`${server.url}/#/capacity/training`);
  const card = page.locator('article.training-course', { hasText: COURSE });
  await card.waitFor();
  const enrolled = fill(en['capacity.training_enrolled_completed'], {
    enrolled: '10',
    completed: '9',
  });
  assert.ok((await card.innerText()).includes(enrolled), 'the delivery with its people');
  assert.ok((await card.innerText()).includes(en['capacity.training_status_completed']));
  await st.shot(page, 'capacity-training-360.png');
  assert.deepEqual(await axeViolations(page), [], 'the training page passes axe');
  assert.equal(await sidewaysScroll(page), 0, 'the training list does not scroll sideways');

  // The course page: the provider may add a delivery; the contributor may not.
  await card.getByRole('link', { name: COURSE }).click();
  await page.getByRole('heading', { level: 1, name: COURSE }).waitFor();
  await page.locator('tr.training-delivery', { hasText: 'Bamako' }).waitFor();
  assert.equal(
    await page.getByRole('button', { name: en['capacity.training_add_delivery'] }).count(),
    0,
  );
  await provider.goto(`${server.url}/#/capacity/training/${encodeURIComponent(course.id)}`);
  await provider.getByRole('heading', { level: 1, name: COURSE }).waitFor();
  await provider.getByRole('button', { name: en['capacity.training_add_delivery'] }).click();
  const form = provider.locator('form.training-delivery-form');
  await form.getByLabel(en['capacity.training_field_starts_on']).fill('2027-04-05');
  await form.getByLabel(en['capacity.training_field_ends_on']).fill('2027-04-16');
  await form.getByLabel(en['capacity.training_field_location']).fill('Goma');
  await form.getByRole('button', { name: en['capacity.training_add_delivery'] }).click();
  await provider.getByText(en['capacity.training_delivery_added']).waitFor();
  await provider.locator('tr.training-delivery', { hasText: 'Goma' }).waitFor();
  await provider.setViewportSize(PHONE);
  assert.equal(await sidewaysScroll(provider), 0, 'the course does not scroll sideways');
  const stored = await st.call('provider', 'GET', `/api/v1/capacity/training/${course.id}`);
  assert.equal(stored.deliveries.length, 2);
  assert.ok(stored.deliveries.some((d) => d.location === 'Goma' && d.status === 'planned'));

  // Editing the first delivery: an organization listed twice is the server's refusal, shown at
  // the participants and nothing stored; then 10 of 10 completed is saved.
  const bamako = provider.locator('tr.training-delivery', { hasText: 'Bamako' });
  await bamako.locator('button.training-edit-delivery').click();
  const edit = provider.locator('form.training-delivery-form');
  await edit.getByRole('heading', { name: en['capacity.training_edit_delivery_title'] }).waitFor();
  await edit.getByRole('button', { name: en['capacity.training_add_participant'] }).click();
  const rows = edit.locator('.participant-row');
  assert.equal(await rows.count(), 2);
  await rows.nth(1).getByLabel(en['capacity.training_participant_org']).selectOption('RWA');
  await rows.nth(1).getByLabel(en['capacity.training_participant_enrolled']).fill('5');
  await edit.getByRole('button', { name: en['capacity.training_save_delivery'] }).click();
  const refused = edit.locator('[data-field="participants"] .field-error');
  await refused.waitFor();
  assert.match(await refused.innerText(), /RWA/);
  const unchanged = await st.call('provider', 'GET', `/api/v1/capacity/training/${course.id}`);
  const first = unchanged.deliveries.find((d) => d.location === 'Bamako');
  assert.equal(first.participants.length, 1);
  assert.equal(first.completed, 9);
  await rows.nth(1).getByRole('button', { name: en['capacity.training_remove'] }).click();
  await rows.nth(0).getByLabel(en['capacity.training_participant_completed']).fill('10');
  await edit.getByRole('button', { name: en['capacity.training_save_delivery'] }).click();
  await provider.getByText(en['capacity.training_delivery_saved']).waitFor();
  const saved = await st.call('provider', 'GET', `/api/v1/capacity/training/${course.id}`);
  assert.equal(saved.deliveries.find((d) => d.location === 'Bamako').completed, 10);

  // A course through the form: nothing is sent while the title and capability are missing.
  await provider.goto(`${server.url}/#/capacity/training/new`);
  await provider
    .getByRole('heading', { level: 1, name: en['capacity.training_new_title'] })
    .waitFor();
  await provider.getByRole('button', { name: en['capacity.training_create'] }).click();
  await provider.locator('[data-field="title"] .field-error').waitFor();
  await provider.locator('[data-field="capability"] .field-error').waitFor();
  await provider
    .getByLabel(en['capacity.training_field_title'], { exact: true })
    .fill('Search dogs handling');
  await provider
    .getByLabel(en['capacity.training_field_capability'], { exact: true })
    .selectOption(capability);
  await provider.getByRole('checkbox', { name: french, exact: true }).check();
  await provider.getByRole('button', { name: en['capacity.training_create'] }).click();
  await provider.getByRole('heading', { level: 1, name: 'Search dogs handling' }).waitFor();
  const courses = await st.call('provider', 'GET', '/api/v1/capacity/training');
  const made = courses.items.find((c) => c.title === 'Search dogs handling');
  assert.ok(made, 'the course is stored');
  assert.equal(made.capability, capability);
  assert.deepEqual(made.languages, ['fr']);
  assert.equal(courses.total, 2);

  // The coordinator cancels the match: a reason is asked for first.
  await coord.goto(`${server.url}/#/capacity/matches`);
  const toCancel = coord.locator('tr.match-row', { hasText: NEED });
  await toCancel.getByRole('button', { name: en['capacity.match_cancel'] }).click();
  const cancelForm = toCancel.locator('form.match-cancel-form');
  await cancelForm.getByRole('button', { name: en['capacity.match_cancel_confirm'] }).click();
  await cancelForm.locator('[data-field="reason"] .field-error').waitFor();
  assert.equal((await st.call('coord', 'GET', '/api/v1/capacity/matches')).items.length, 1);
  await cancelForm.getByLabel(en['capacity.match_cancel_reason']).fill('The team was redeployed.');
  await cancelForm.getByRole('button', { name: en['capacity.match_cancel_confirm'] }).click();
  await coord.getByText(en['capacity.match_cancelled']).waitFor();
  await coord.getByText(en['capacity.match_none_confirmed']).waitFor();
  const cancelled = await st.call('coord', 'GET', '/api/v1/capacity/matches?status=cancelled');
  assert.equal(cancelled.items.length, 1);
  assert.equal(cancelled.items[0].cancel_reason, 'The team was redeployed.');
  assert.equal(await sidewaysScroll(coord), 0, 'the matches do not scroll sideways');

  // Two providers offering the same capability to Rwanda over overlapping periods: the
  // duplicated-support panel names both offers.
  const overlap = {
    category: 'training',
    capability,
    capacity: 8,
    starts_on: '2027-05-01',
    ends_on: '2027-07-31',
    languages: ['fr'],
    for_org: 'RWA',
    tlp: 'GREEN',
  };
  const dupA = 'Search refresher for Rwanda (Brazil)';
  const dupB = 'Search refresher for Rwanda (China)';
  await st.call('provider', 'POST', '/api/v1/capacity/offers', { ...overlap, title: dupA });
  await st.call('coord', 'POST', '/api/v1/capacity/offers', {
    ...overlap,
    title: dupB,
    starts_on: '2027-06-01',
  });
  const dups = await st.call('coord', 'GET', '/api/v1/capacity/duplicates');
  assert.ok(dups.items.some((d) => d.kind === 'overlapping_offers'));
  await coord.reload();
  const panel = coord.getByRole('region', { name: en['capacity.match_dup_title'] });
  await panel.getByRole('link', { name: dupA }).waitFor();
  await panel.getByRole('link', { name: dupB }).waitFor();
  assert.equal(await sidewaysScroll(coord), 0, 'the panel does not scroll sideways');
  await st.shot(coord, 'capacity-duplicates-360.png');
  assert.deepEqual(await axeViolations(coord), [], 'the duplicates panel passes axe');
});
