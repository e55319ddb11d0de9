// The knowledge library in Debian's Chromium against the real server (issue 16). Seeded
// through the API: two published documents (one of China, one of Rwanda) and a TLP:RED one of
// China for China's coordinator (and the admin who publishes it) alone. Brazil's focal
// point searches "ambush": China's lesson comes first with the word marked in its snippet, the
// facet counts are the API's, the RED one is nowhere; a facet narrows the search and the
// address keeps it over a reload. On the document: a comment, a reply under it, and Brazil's
// endorsement (0 → 1, the button turns to "Withdraw endorsement"); a reload shows all of it
// kept. Then the search and the reader at 360 px (no sideways scroll, the facets folded) and
// the reader in Arabic (right to left). Screenshots: library-1366.png, library-360.png,
// document-360.png, document-ar.png (in the build tree's screenshot folder and in /tmp/shots).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { catalog, sidewaysScroll, stage } from './harness.mjs';

const PASSWORD = 'Library-e2e-2026-lessons';
const OWNER = 'chn.coord'; // organization A, owns the first lesson and the RED one
const OTHER = 'rwa.coord'; // owns the second lesson
const ADMIN = 'chn.admin';
const FOCAL = 'bra.focal'; // the reader, organization B
const FIRST = 'Ambush on the Gao convoy route: spacing and rehearsed drills';
const SECOND = 'Checkpoint procedures after a night attack';
const SECRET = 'Ambush response plan for the northern sector (restricted)';
const COMMENT = 'Our battalion saw the same pattern near Ansongo.';
const REPLY = 'Did the rehearsed drills shorten the halt?';
const en = catalog('en');
const ar = catalog('ar');

let st;
let server;
let firstId;

const open = (name, user, options = {}) => st.open(name, user, { locale: 'en', ...options });
const call = (name, method, url, body) => st.call(name, method, url, body);

// The branch of a plural message for `n` in English ("=0", "one" or "other"), # replaced: the test
// reads the words as the catalog has them, never a copy.
function plural(message, n) {
  const branch = n === 0 ? '=0' : n === 1 ? 'one' : 'other';
  const m = new RegExp(`${branch} \\{([^{}]*)\\}`).exec(message);
  assert.ok(m, `no branch for ${n} in ${message}`);
  return m[1].replace('#', String(n));
}

// A document through the API as `side`: created, submitted and published by an admin (who
// needs no other organization's approval; the review itself is e2e/library_edit's).
async function publish(side, body) {
  const d = await call(side, 'POST', '/api/v1/library', body);
  await call(side, 'POST', `/api/v1/library/${d.id}/submit`);
  return call('admin', 'POST', `/api/v1/library/${d.id}/publish`);
}

before(async () => {
  st = await stage('library', PASSWORD, [
    [OWNER, 'CHN', 'coordinator'],
    [OTHER, 'RWA', 'coordinator'],
    [ADMIN, 'CHN', 'admin'],
    [FOCAL, 'BRA', 'focal_point'],
  ]);
  server = st.server;
  await open('owner', OWNER);
  await open('other', OTHER);
  await open('admin', ADMIN);
  const first = await publish('owner', {
    kind: 'lesson',
    title: FIRST,
    summary: 'An ambush on a logistics convoy: what kept the casualties low.',
    what_happened: 'The convoy was ambushed at a dry river crossing.',
    what_worked: 'Spacing of 100 m and drills rehearsed before departure.',
    recommendations: 'Rehearse the ambush drill before every convoy.',
    body: '## Sequence\n\nThe lead vehicle **stopped** short of the crossing.',
    language: 'en',
    occurred_on: '2025-03-02',
    tags: { activity: ['convoy'], keyword: ['ambush'] },
    tlp: 'TLP:GREEN',
    note: 'First version',
  });
  firstId = first.id;
  assert.equal(first.status, 'published');
  const second = await publish('other', {
    kind: 'best_practice',
    title: SECOND,
    summary: 'Checkpoint drills after a night attack; the ambush that followed was repelled.',
    body: 'Lights, barriers and a rehearsed alarm.',
    language: 'en',
    tags: { activity: ['checkpoint'] },
    tlp: 'TLP:GREEN',
  });
  assert.equal(second.status, 'published');
  // The RED one: China's coordinator alone reads it; published by an admin (who needs no
  // other organization's approval).
  const secret = await call('owner', 'POST', '/api/v1/library', {
    kind: 'lesson',
    title: SECRET,
    summary: 'Ambush ambush ambush: restricted to its readers.',
    language: 'en',
    tags: { keyword: ['ambush'] },
    tlp: 'TLP:RED',
    recipients: [OWNER, ADMIN],
  });
  await call('owner', 'POST', `/api/v1/library/${secret.id}/submit`);
  const made = await call('admin', 'POST', `/api/v1/library/${secret.id}/publish`);
  assert.equal(made.status, 'published');
  // Each open page keeps a live stream, and each browser context its idle connections; the
  // seeding sides close theirs, so that the server's connections from this one address
  // (max_connections_per_ip) are free for the reader's pages, also on a slow (ASan) server.
  for (const side of ['owner', 'other', 'admin']) await st.sides[side].context.close();
});

after(async () => {
  if (st) await st.end();
});

test('library: search, facets, the reader, comments, replies and endorsement', async () => {
  const page = await open('focal', FOCAL);
  await page.goto(`${server.url}/#/library`);
  await page.getByRole('heading', { level: 1, name: en['library.search_title'] }).waitFor();
  await page.getByLabel(en['library.search_label']).fill('ambush');
  await page.getByRole('button', { name: en['library.search_button'], exact: true }).click();
  await page.waitForURL(/#\/library\?q=ambush$/);
  const cards = page.locator('li.library-result');
  await cards.first().waitFor();
  // What the API answers this reader, and the page shows the same, in its order.
  const api = await call('focal', 'GET', '/api/v1/library?q=ambush&facets=1');
  assert.equal(api.items[0].id, firstId, 'the lesson with the word in its title comes first');
  assert.deepEqual(
    api.items.map((d) => d.title),
    [FIRST, SECOND],
  );
  assert.deepEqual(await cards.locator('h3').allTextContents(), [FIRST, SECOND]);
  const marks = await cards.first().locator('.library-snippet mark').allTextContents();
  assert.ok(marks.length > 0, 'the snippet marks the words found');
  for (const m of marks) assert.match(m, /ambush/i);
  // The facet counts are the API's.
  const kinds = page.locator('[data-facet="kind"] button.facet-value');
  assert.equal(await kinds.count(), api.facets.kind.length);
  for (const f of api.facets.kind) {
    const b = page.locator(`[data-facet="kind"] button[data-value="${f.value}"]`);
    assert.equal(await b.locator('.facet-count').textContent(), String(f.count));
  }
  const lesson = page.locator('[data-facet="kind"] button[data-value="lesson"]');
  assert.equal(await lesson.locator('.facet-label').textContent(), en['library.kind_lesson']);
  assert.equal(await lesson.locator('.facet-count').textContent(), '1');
  // The RED document is nowhere: not in the page, not in the API's answer.
  assert.equal(await page.getByText(SECRET).count(), 0);
  const any = await call('focal', 'GET', '/api/v1/library?q=ambush&status=any');
  assert.ok(!any.items.some((d) => d.title === SECRET));
  // The count line, with its "as of" time.
  await page.locator('.library-main .count').getByText('2', { exact: false }).waitFor();
  assert.match(await page.locator('.library-main .as-of').textContent(), /\d{2}:\d{2}/);
  await st.shot(page, 'library-1366.png');

  // A facet narrows the search; the address keeps it over a reload.
  await lesson.click();
  await page.waitForURL(/kind=lesson/);
  await page.locator('li.library-result').nth(1).waitFor({ state: 'detached' });
  // The list is emptied while the narrowed search runs: wait for its answer, not the gap.
  await cards.locator('h3', { hasText: FIRST }).waitFor();
  assert.deepEqual(await cards.locator('h3').allTextContents(), [FIRST]);
  await page.reload();
  await page.locator('[data-facet="kind"] button[aria-pressed="true"]').waitFor();
  assert.equal(await page.getByLabel(en['library.search_label']).inputValue(), 'ambush');
  await cards.first().waitFor();
  assert.deepEqual(await cards.locator('h3').allTextContents(), [FIRST]);

  // The reader.
  await cards.first().getByRole('link', { name: FIRST }).click();
  await page.getByRole('heading', { level: 1, name: FIRST }).waitFor();
  await page.getByRole('heading', { level: 2, name: en['library.reader_what_worked'] }).waitFor();
  // A field without text has no section.
  assert.equal(
    await page.getByRole('heading', { level: 2, name: en['library.reader_context'] }).count(),
    0,
  );
  await page.locator('article.reader-body strong').getByText('stopped').waitFor();
  // Tags link to a filtered search.
  assert.equal(
    await page.locator('.reader-tags a', { hasText: 'ambush' }).getAttribute('href'),
    '#/library?keyword=ambush',
  );

  // Brazil endorses it: 0 → 1, and the button turns.
  const box = page.locator('.library-endorsements-box');
  await box.getByText(plural(en['library.endorse_count'], 0)).waitFor();
  await box
    .getByRole('button', { name: en['library.endorse_for'].replace('{org}', 'BRA') })
    .click();
  await box.getByRole('button', { name: en['library.endorse_withdraw'] }).waitFor();
  const doc = await call('focal', 'GET', `/api/v1/library/${firstId}`);
  assert.equal(doc.endorsements.count, 1);
  assert.equal(doc.endorsements.mine, true);
  assert.deepEqual(
    doc.endorsements.orgs.map((o) => o.code),
    ['BRA'],
  );
  const oneText = plural(en['library.endorse_count'], 1);
  await box.getByText(oneText).waitFor();

  // A comment, then a reply under it.
  const form = page.locator('form.library-comment-form').last();
  await form.getByRole('button', { name: en['library.comment_send'] }).click();
  await form.locator('[data-field="body"] .field-error').waitFor(); // empty: nothing sent
  await form.getByLabel(en['library.comment_label']).fill(COMMENT);
  await form.getByRole('button', { name: en['library.comment_send'] }).click();
  const comment = page.locator('li.library-comment', { hasText: COMMENT }).first();
  await comment.waitFor();
  await comment.getByRole('button', { name: en['library.comment_reply'] }).first().click();
  const replyForm = comment.locator('form.library-reply-form');
  await replyForm.getByLabel(en['library.comment_reply_label']).fill(REPLY);
  await replyForm.getByRole('button', { name: en['library.comment_reply_send'] }).click();
  await comment.locator('.library-replies li.library-comment', { hasText: REPLY }).waitFor();
  const stored = await call('focal', 'GET', `/api/v1/library/${firstId}/comments`);
  const top = stored.items.find((c) => c.body === COMMENT);
  const reply = stored.items.find((c) => c.body === REPLY);
  assert.ok(top && reply, 'both stored');
  assert.equal(reply.parent, top.id);
  assert.equal(top.org.code, 'BRA');

  // All of it kept over a reload.
  await page.reload();
  await page.getByRole('heading', { level: 1, name: FIRST }).waitFor();
  const again = page.locator('li.library-comment', { hasText: COMMENT }).first();
  await again.locator('.library-replies li.library-comment', { hasText: REPLY }).waitFor();
  await box.getByText(oneText).waitFor();
  await box.getByRole('button', { name: en['library.endorse_withdraw'] }).waitFor();
});

test('library at 360 px and in Arabic', async () => {
  const phone = await open('phone', FOCAL, { viewport: { width: 360, height: 800 } });
  await phone.goto(`${server.url}/#/library?q=ambush`);
  await phone.locator('li.library-result').first().waitFor();
  // The facets fold above the results.
  assert.equal(await phone.locator('details.library-facets').getAttribute('open'), null);
  assert.equal(await sidewaysScroll(phone), 0, 'the search does not scroll sideways');
  await st.shot(phone, 'library-360.png');
  await phone.locator('details.library-facets summary').click();
  await phone.locator('[data-facet="kind"] button.facet-value').first().waitFor();
  assert.equal(await sidewaysScroll(phone), 0, 'the open facets do not scroll sideways');

  await phone.goto(`${server.url}/#/library/${encodeURIComponent(firstId)}`);
  await phone.getByRole('heading', { level: 1, name: FIRST }).waitFor();
  await phone.locator('.library-comments form, .library-comments li').first().waitFor();
  assert.equal(await sidewaysScroll(phone), 0, 'the reader does not scroll sideways');
  await st.shot(phone, 'document-360.png');
  await st.sides.phone.context.close();

  const rtl = await open('arabic', FOCAL, { locale: 'ar', viewport: { width: 1024, height: 900 } });
  await rtl.goto(`${server.url}/#/library/${encodeURIComponent(firstId)}`);
  await rtl.getByRole('heading', { level: 1, name: FIRST }).waitFor();
  await rtl.getByRole('heading', { level: 2, name: ar['library.reader_what_worked'] }).waitFor();
  assert.equal(await rtl.evaluate(() => document.documentElement.dir), 'rtl');
  await rtl.getByRole('heading', { level: 2, name: ar['library.comment_title'] }).waitFor();
  await rtl.locator('.library-comments form, .library-comments li').first().waitFor();
  assert.equal(await sidewaysScroll(rtl), 0);
  await st.shot(rtl, 'document-ar.png');
});
