// The capacity marketplace's needs and offers in Debian's Chromium against the real server
// (issue 17). Rwanda's focal point posts a need through the form (a quantity of 0 is refused
// at its field by the form, one above a trillion by the server, shown at the same field) and
// finds it in the list with nothing covered; Brazil's focal point posts an offer of the same
// capability through the form on a phone; China's coordinator (a third organization) opens
// the need, finds the offer among the candidates and confirms it; the need then shows itself
// covered, in the page and in the API; the contributor cannot lower it below what is covered
// (the server's refusal shows at the field) and raises it. At 360 px nothing scrolls sideways. Screenshots:
// capacity-needs-1366.png, capacity-need-360.png, capacity-offer-form-360.png, and
// capacity-candidates-1366.png, capacity-needs-360.png.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { axeViolations, catalog, sidewaysScroll, stage } from './harness.mjs';

const PASSWORD = 'Capacity-e2e-2026-market';
const FOCAL = 'rwa.focal'; // the contributor that needs
const PROVIDER = 'bra.focal'; // the provider that offers
const COORD = 'chn.coord'; // a coordinator of a third organization
const NEED = 'Counter-IED search course for the second battalion';
const OFFER = 'Counter-IED search instructors, French-speaking';
const PHONE = { width: 360, height: 780 };
const en = catalog('en');

let st;
let server;
let vocab; // GET /api/v1/vocabulary's "capacity"
let capability; // a training capability counted in seats

const open = (side, user, options = {}) => st.open(side, user, { locale: 'en', ...options });

// The branch of an English plural message for `n`, # replaced.
function plural(message, n) {
  const branch = n === 1 ? 'one' : 'other';
  const m = new RegExp(`${branch} \\{([^{}]*)\\}`).exec(message);
  assert.ok(m, `no branch for ${n} in ${message}`);
  return m[1].replace('#', String(n));
}

// "8 of 12 seats covered", from the catalog's words.
function covered(part, whole) {
  return en['capacity.common_covered']
    .replace('{part}', String(part))
    .replace('{whole}', plural(en['capacity.common_amount_seats'], whole));
}

// The form's field (its box, data-field) and its problem.
const fieldBox = (page, name) => page.locator(`form [data-field="${name}"]`);

before(async () => {
  st = await stage('capacity_market', PASSWORD, [
    [FOCAL, 'RWA', 'focal_point'],
    [PROVIDER, 'BRA', 'focal_point'],
    [COORD, 'CHN', 'coordinator'],
  ]);
  server = st.server;
});

after(async () => {
  if (st) await st.end();
});

test('capacity: post a need and an offer through the forms, confirm the match', async () => {
  const page = await open('focal', FOCAL);
  vocab = (await st.call('focal', 'GET', '/api/v1/vocabulary')).capacity;
  assert.ok(vocab && vocab.capabilities, 'the vocabulary has a "capacity" part');
  capability = Object.keys(vocab.capabilities).find(
    (c) => vocab.capabilities[c].category === 'training' && vocab.capabilities[c].unit === 'seats',
  );
  assert.ok(capability, 'a training capability counted in seats');
  const french = vocab.languages.fr;

  // The need, through the form.
  await page.goto(`${server.url}/#/capacity`);
  await page.getByRole('heading', { level: 1, name: en['capacity.need_list_title'] }).waitFor();
  await page.getByRole('link', { name: en['capacity.need_new'] }).click();
  await page.getByRole('heading', { level: 1, name: en['capacity.need_form_new'] }).waitFor();
  await page.getByLabel(en['capacity.form_category'], { exact: true }).selectOption('training');
  await page.getByLabel(en['capacity.form_capability'], { exact: true }).selectOption(capability);
  assert.equal(
    await page.getByLabel(en['capacity.form_unit'], { exact: true }).inputValue(),
    'seats',
    'the capability sets its unit',
  );
  await page.getByLabel(en['capacity.form_title'], { exact: true }).fill(NEED);
  await page.getByLabel(en['capacity.form_priority'], { exact: true }).selectOption('high');
  await page.getByLabel(en['capacity.form_starts_on'], { exact: true }).fill('2027-01-10');
  await page.getByLabel(en['capacity.form_ends_on'], { exact: true }).fill('2027-03-31');
  await page.getByRole('checkbox', { name: french, exact: true }).check();
  const quantity = page.getByLabel(en['capacity.need_f_quantity'], { exact: true });
  const save = page.getByRole('button', { name: en['capacity.form_save'] });

  // 0: the form refuses it at the field and sends nothing.
  await quantity.fill('0');
  await save.click();
  const problem = fieldBox(page, 'quantity').locator('.field-error');
  await problem.waitFor();
  assert.match(await problem.innerText(), /whole number above 0/i);
  assert.equal(await quantity.getAttribute('aria-invalid'), 'true');
  // Above a trillion: the server refuses it, naming "quantity", and the form shows it there.
  await quantity.fill('2000000000000');
  await save.click();
  await page.waitForFunction(() => {
    const box = document.querySelector('form [data-field="quantity"] .field-error');
    return box && !box.hidden && !/whole number/i.test(box.textContent);
  });
  assert.ok(/#\/capacity\/needs\/new$/.test(page.url()), 'still on the form');
  const listed = await st.call('focal', 'GET', '/api/v1/capacity/needs?status=any');
  assert.equal(listed.total, 0, 'a refused need is not stored');

  await quantity.fill('12');
  await save.click();
  await page.waitForURL((u) => /#\/capacity\/needs\/[^/]+$/.test(u) && !/\/new$/.test(u));
  const needId = decodeURIComponent(page.url().split('/').pop());
  await page.getByRole('heading', { level: 1, name: NEED }).waitFor();
  await page.getByText(covered(0, 12)).first().waitFor();
  const stored = await st.call('focal', 'GET', `/api/v1/capacity/needs/${needId}`);
  assert.equal(stored.quantity, 12);
  assert.equal(stored.unit, 'seats');
  assert.equal(stored.priority, 'high');
  assert.deepEqual(stored.languages, ['fr']);
  assert.equal(stored.starts_on, '2027-01-10');

  // In the list, with nothing covered.
  await page.goto(`${server.url}/#/capacity`);
  const card = page.locator('li.capacity-card', { hasText: NEED });
  await card.waitFor();
  assert.match(await card.innerText(), new RegExp(covered(0, 12)));
  assert.equal(
    await page.locator('p.count').innerText(),
    plural(en['capacity.need_count'], 1),
    'the total',
  );

  // The offer, through the form on a phone.
  const phone = await open('provider', PROVIDER, { viewport: PHONE });
  await phone.goto(`${server.url}/#/capacity/offers/new`);
  await phone.getByRole('heading', { level: 1, name: en['capacity.offer_form_new'] }).waitFor();
  await phone.getByLabel(en['capacity.form_category'], { exact: true }).selectOption('training');
  await phone.getByLabel(en['capacity.form_capability'], { exact: true }).selectOption(capability);
  await phone.getByLabel(en['capacity.form_title'], { exact: true }).fill(OFFER);
  await phone.getByLabel(en['capacity.offer_f_capacity'], { exact: true }).fill('20');
  await phone.getByLabel(en['capacity.form_starts_on'], { exact: true }).fill('2027-01-01');
  await phone.getByLabel(en['capacity.form_ends_on'], { exact: true }).fill('2027-06-30');
  // Training names its languages: the form asks for one first.
  await phone.getByRole('button', { name: en['capacity.form_save'] }).click();
  await fieldBox(phone, 'languages').locator('.field-error').waitFor();
  await phone.getByRole('checkbox', { name: french, exact: true }).check();
  assert.equal(await sidewaysScroll(phone), 0, 'the offer form does not scroll sideways');
  await st.shot(phone, 'capacity-offer-form-360.png');
  assert.deepEqual(await axeViolations(phone), [], 'the offer form passes axe');
  await phone.getByRole('button', { name: en['capacity.form_save'] }).click();
  await phone.waitForURL((u) => /#\/capacity\/offers\/[^/]+$/.test(u) && !/\/new$/.test(u));
  await phone.getByRole('heading', { level: 1, name: OFFER }).waitFor();
  assert.equal(await sidewaysScroll(phone), 0, 'the offer does not scroll sideways');

  // The coordinator of a third organization confirms it.
  const coord = await open('coord', COORD);
  await coord.goto(`${server.url}/#/capacity/needs/${encodeURIComponent(needId)}`);
  await coord.getByRole('heading', { level: 1, name: NEED }).waitFor();
  const cand = coord.locator('li.capacity-candidate', { hasText: OFFER });
  await cand.waitFor();
  const give = cand.getByLabel(en['capacity.need_confirm_quantity']);
  assert.equal(await give.inputValue(), '12', 'it could give the 12 seats the need lacks');
  await st.shot(coord, 'capacity-candidates-1366.png');
  assert.deepEqual(await axeViolations(coord), [], 'the need page passes axe');
  await cand.getByRole('button', { name: en['capacity.need_confirm'] }).click();
  await coord.getByText(en['capacity.need_confirmed']).waitFor();
  await coord.getByText(covered(12, 12)).first().waitFor();
  const matches = coord.getByRole('region', { name: en['capacity.need_matches_title'] });
  await matches.getByRole('link', { name: OFFER }).waitFor();
  const now = await st.call('coord', 'GET', `/api/v1/capacity/needs/${needId}`);
  assert.equal(now.covered, 12);
  assert.equal(now.remaining, 0);

  // The list says so too, for the contributor.
  await page.goto(`${server.url}/#/capacity?status=any`);
  await page.locator('li.capacity-card', { hasText: covered(12, 12) }).waitFor();
  await st.shot(page, 'capacity-needs-1366.png');
  assert.deepEqual(await axeViolations(page), [], 'the list passes axe');

  // The contributor edits it: not below what is covered (the server names the quantity), then
  // more.
  await page.goto(`${server.url}/#/capacity/needs/${encodeURIComponent(needId)}`);
  await page.getByRole('link', { name: en['capacity.need_edit'] }).click();
  await page.getByRole('heading', { level: 1, name: en['capacity.need_form_edit'] }).waitFor();
  const edited = page.getByLabel(en['capacity.need_f_quantity'], { exact: true });
  assert.equal(await edited.inputValue(), '12');
  await edited.fill('10');
  await page.getByRole('button', { name: en['capacity.form_save'] }).click();
  await fieldBox(page, 'quantity').locator('.field-error').waitFor();
  assert.equal((await st.call('focal', 'GET', `/api/v1/capacity/needs/${needId}`)).quantity, 12);
  await edited.fill('15');
  await page.getByRole('button', { name: en['capacity.form_save'] }).click();
  await page.getByText(en['capacity.need_saved']).waitFor();
  await page.getByText(covered(12, 15)).first().waitFor();

  // The need on a phone.
  await coord.setViewportSize(PHONE);
  await coord.reload();
  await coord.getByRole('heading', { level: 1, name: NEED }).waitFor();
  await coord.getByText(covered(12, 15)).first().waitFor();
  // The offer still has seats and the need lacks 3, but the pair is matched already: it is no
  // longer a candidate, so no second Confirm (which would only give back the same match).
  await coord.getByText(en['capacity.need_candidates_none']).waitFor();
  assert.equal(await cand.count(), 0);
  assert.equal(await sidewaysScroll(coord), 0, 'the need does not scroll sideways');
  await st.shot(coord, 'capacity-need-360.png');
  await coord.goto(`${server.url}/#/capacity`);
  await coord.locator('li.capacity-card', { hasText: NEED }).waitFor();
  assert.equal(await sidewaysScroll(coord), 0, 'the list does not scroll sideways');

  // The provider's offers list: 12 of its 20 seats committed, on the phone too.
  const committed = en['capacity.common_committed']
    .replace('{part}', '12')
    .replace('{whole}', plural(en['capacity.common_amount_seats'], 20));
  await phone.goto(`${server.url}/#/capacity/offers`);
  await phone.locator('li.capacity-card', { hasText: OFFER }).getByText(committed).waitFor();
  assert.equal(await sidewaysScroll(phone), 0, 'the offers do not scroll sideways');
  await st.shot(coord, 'capacity-needs-360.png');
});
