// The library's editor, versions and review view in Debian's Chromium against the real server
// (issue 16). A focal point of China writes a document in the browser (the empty form names
// kind and title and sends nothing); the body's preview shows **bold** as bold and neither the
// <script> nor the javascript: link of the Markdown; saves it, edits it again (version 2), and a
// save over a change made meanwhile through the API is refused with the reload offer, the
// change made meanwhile kept. China submits it from the review view; Brazil's focal point, on a
// 360 px screen, finds it waiting for review and approves it (through the API: the reader page
// is another helper's); China publishes it from the review view; the versions page shows the
// difference of version 1 and the latest with the changed line removed and added. Every page
// at 1366 and 360 px: no sideways scroll, and no console error on any side (stage's end()).
// Screenshots: library-edit-360.png, library-diff-1366.png, library-review-360.png.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { catalog, sidewaysScroll, stage } from './harness.mjs';

const PASSWORD = 'Library-editor-e2e-2026';
const AUTHOR = 'chn.focal';
const REVIEWER = 'bra.focal';
const TITLE = 'Convoy halts at river crossings';
const SUMMARY = 'Why convoys stopped at fords, and what kept them safe.';
const HAPPENED_1 =
  'The convoy halted at the ford.\nThe escort dismounted.\nNobody watched the far bank.';
const HAPPENED_2 =
  'The convoy halted at the ford.\nThe escort dismounted.\nA team covered the far bank.';
const BODY =
  'The escort was **bold** enough.\n\n<script>window.bhInjected = 1</script>\n\n[x](javascript:alert(1))\n';
const en = catalog('en');
const SMALL = { width: 360, height: 800 };

let st;
let server;

// A write as a side's user with the headers apiAs does not send (Idempotency-Key, If-Match):
// { status, body }.
async function send(side, method, url, body, headers = {}) {
  const page = st.sides[side].page;
  const cookie = (await page.context().cookies()).find((c) => c.name === 'bh_session');
  const auth = { Cookie: `bh_session=${cookie.value}` };
  const s = await (await fetch(`${server.url}/api/v1/session`, { headers: auth })).json();
  const res = await fetch(`${server.url}${url}`, {
    method,
    headers: {
      ...auth,
      'X-CSRF-Token': s.csrf_token,
      'Content-Type': 'application/json',
      ...headers,
    },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

// An English message with its parameters, as the page shows it ({n}, and English plurals
// "{n, plural, one {…} other {…}}").
function words(id, params = {}) {
  return en[id]
    .replace(/\{(\w+), plural, one \{([^}]*)\} other \{([^}]*)\}\}/g, (_, k, one, other) =>
      (params[k] === 1 ? one : other).replace('#', String(params[k])),
    )
    .replace(/\{(\w+)\}/g, (_, k) => String(params[k]));
}

async function fits(page, what) {
  const wide = await sidewaysScroll(page);
  assert.equal(wide, 0, `${what} scrolls ${wide} px sideways`);
}

before(async () => {
  st = await stage('library_edit', PASSWORD, [
    [AUTHOR, 'CHN', 'focal_point'],
    [REVIEWER, 'BRA', 'focal_point'],
  ]);
  server = st.server;
});

after(async () => {
  if (st) await st.end();
});

test('library: write, preview, edit, review, publish, and the difference of two versions', async () => {
  const a = await st.open('author', AUTHOR);
  await a.goto(`${server.url}/#/library/new`);
  await a.getByRole('heading', { level: 1, name: en['library.edit_title_new'] }).waitFor();
  const form = a.locator('form.library-form');
  const save = form.getByRole('button', { name: en['library.edit_save'] });

  // Nothing filled in: kind and title named at their fields, nothing sent.
  await save.click();
  await form.locator('[data-field="kind"] .field-error').waitFor();
  await form.locator('[data-field="title"] .field-error').waitFor();
  assert.equal((await st.call('author', 'GET', '/api/v1/library?status=any')).items.length, 0);

  await form.getByLabel(en['library.edit_f_kind'], { exact: true }).selectOption('lesson');
  await form.getByLabel(en['library.edit_f_title'], { exact: true }).fill(TITLE);
  await form.getByLabel(en['library.edit_f_summary'], { exact: true }).fill(SUMMARY);
  await form.getByLabel(en['library.edit_f_what_happened'], { exact: true }).fill(HAPPENED_1);
  await form.getByLabel(en['library.edit_f_body'], { exact: true }).fill(BODY);

  // The preview: bold is bold; the script and the javascript: address do not get through.
  await form.getByRole('button', { name: en['library.edit_preview'] }).click();
  const preview = form.locator('.library-preview-body');
  await preview.locator('strong', { hasText: 'bold' }).waitFor();
  assert.equal(await preview.locator('script').count(), 0);
  assert.equal(await a.locator('.library-preview script').count(), 0);
  const hrefs = await preview
    .locator('a')
    .evaluateAll((els) => els.map((e) => e.getAttribute('href')));
  assert.ok(
    hrefs.every((v) => v === null || !/^\s*javascript:/i.test(v)),
    `no javascript: link: ${hrefs}`,
  );
  assert.equal(await a.evaluate(() => window.bhInjected), undefined);
  await fits(a, 'the editor at 1366 px');

  await save.click();
  // The document's page: the address leaves #/library/new for #/library/ID.
  await a.waitForURL(/#\/library\/(?!new$)[^/]+$/);
  const id = decodeURIComponent(/#\/library\/([^/?]+)$/.exec(a.url())[1]);
  let doc = await st.call('author', 'GET', `/api/v1/library/${encodeURIComponent(id)}`);
  assert.equal(doc.title, TITLE);
  assert.equal(doc.kind, 'lesson');
  assert.equal(doc.what_happened, HAPPENED_1);
  assert.equal(doc.body, BODY);
  assert.equal(doc.status, 'draft');
  assert.equal(doc.version, 1);
  assert.equal(doc.owner.code, 'CHN');

  // Edited again: version 2, with its note.
  await a.goto(`${server.url}/#/library/${encodeURIComponent(id)}/edit`);
  await a.getByRole('heading', { level: 1, name: en['library.edit_title_edit'] }).waitFor();
  const edit = a.locator('form.library-form');
  assert.equal(
    await edit.getByLabel(en['library.edit_f_title'], { exact: true }).inputValue(),
    TITLE,
  );
  await edit.getByLabel(en['library.edit_f_what_happened'], { exact: true }).fill(HAPPENED_2);
  await edit.getByLabel(en['library.edit_f_note'], { exact: true }).fill('The far bank covered');
  await edit.getByRole('button', { name: en['library.edit_save'] }).click();
  await a.waitForURL(/#\/library\/[^/]+$/);
  doc = await st.call('author', 'GET', `/api/v1/library/${encodeURIComponent(id)}`);
  assert.equal(doc.version, 2);
  assert.equal(doc.what_happened, HAPPENED_2);

  // A save over a change made meanwhile: refused, the reload offered, the other change kept.
  await a.goto(`${server.url}/#/library/${encodeURIComponent(id)}/edit`);
  const stale = a.locator('form.library-form');
  await stale.getByLabel(en['library.edit_f_summary'], { exact: true }).waitFor();
  const meanwhile = await send(
    'author',
    'PATCH',
    `/api/v1/library/${encodeURIComponent(id)}`,
    { summary: 'Changed meanwhile.' },
    { 'If-Match': '"2"' },
  );
  assert.equal(meanwhile.status, 200, JSON.stringify(meanwhile.body));
  await stale.getByLabel(en['library.edit_f_summary'], { exact: true }).fill('My later summary.');
  await stale.getByRole('button', { name: en['library.edit_save'] }).click();
  await a.getByText(en['library.edit_conflict']).waitFor();
  doc = await st.call('author', 'GET', `/api/v1/library/${encodeURIComponent(id)}`);
  assert.equal(doc.summary, 'Changed meanwhile.');
  assert.equal(doc.version, 3);
  await a.getByRole('button', { name: en['library.edit_reload'] }).click();
  await a.getByText(words('library.edit_editing_version', { n: 3 })).waitFor();
  assert.equal(
    await a.getByLabel(en['library.edit_f_summary'], { exact: true }).inputValue(),
    'Changed meanwhile.',
  );

  // The editor at 360 px.
  const small = await st.open('author-360', AUTHOR, { viewport: SMALL });
  await small.goto(`${server.url}/#/library/${encodeURIComponent(id)}/edit`);
  await small.locator('form.library-form').waitFor();
  await fits(small, 'the editor at 360 px');
  await st.shot(small, 'library-edit-360.png');

  // Submitted from the review view.
  await a.goto(`${server.url}/#/library/review`);
  const mine = a.locator('section.review-mine');
  const ours = mine.locator('li.review-item', { hasText: TITLE });
  await ours.getByRole('button', { name: en['library.review_submit'] }).click();
  await mine
    .locator('li.review-item[data-status="in_review"]', { hasText: TITLE })
    .getByText(en['library.review_needs_approval'])
    .waitFor();
  doc = await st.call('author', 'GET', `/api/v1/library/${encodeURIComponent(id)}`);
  assert.equal(doc.status, 'in_review');

  // Brazil's focal point sees it waiting for review, with no verdict yet.
  const b = await st.open('reviewer', REVIEWER, { viewport: SMALL });
  await b.goto(`${server.url}/#/library/review`);
  const waiting = b.locator('section.review-waiting');
  const item = waiting.locator('li.review-item', { hasText: TITLE });
  await item.waitFor();
  await item
    .locator('.review-state')
    .getByText(words('library.review_counts', { approvals: 0, changes: 0 }), { exact: true })
    .waitFor();
  // China's own section is not Brazil's: the document is not among Brazil's documents.
  assert.equal(await b.locator('section.review-mine li', { hasText: TITLE }).count(), 0);
  await fits(b, 'the review view at 360 px');
  await st.shot(b, 'library-review-360.png');

  // Approved (through the API: the reader page's buttons are the reader's helper's).
  const verdict = await send(
    'reviewer',
    'POST',
    `/api/v1/library/${encodeURIComponent(id)}/comments`,
    { body: 'Clear and useful.', verdict: 'approve' },
    { 'Idempotency-Key': 'a1b2c3d4e5f60718293a4b5c6d7e8f90' },
  );
  assert.equal(verdict.status, 201, JSON.stringify(verdict.body));
  await b.reload();
  await b
    .locator('section.review-waiting li.review-item', { hasText: TITLE })
    .locator('.review-state')
    .getByText(words('library.review_counts', { approvals: 1, changes: 0 }), { exact: true })
    .waitFor();

  // China publishes it from the review view (the page is open already: read again); it leaves
  // "My organization's documents".
  await a.reload();
  const ready = a.locator('section.review-mine li.review-item', { hasText: TITLE });
  await ready.getByRole('button', { name: en['library.review_publish'] }).click();
  await a.locator('section.review-mine').getByText(en['library.review_mine_none']).waitFor();
  doc = await st.call('author', 'GET', `/api/v1/library/${encodeURIComponent(id)}`);
  assert.equal(doc.status, 'published');

  // The versions, and version 1 against the latest: the changed line removed and added.
  const versions = await st.call(
    'author',
    'GET',
    `/api/v1/library/${encodeURIComponent(id)}/versions`,
  );
  const latest = versions.items[0].version;
  assert.ok(latest >= 3, `versions: ${JSON.stringify(versions.items)}`);
  await a.goto(`${server.url}/#/library/${encodeURIComponent(id)}/versions`);
  await a.getByRole('heading', { level: 1, name: en['library.versions_title'] }).waitFor();
  assert.equal(await a.locator('.table-wrap tbody tr').count(), versions.items.length);
  const pick = a.locator('form.library-diff-pick');
  await pick.getByLabel(en['library.diff_from'], { exact: true }).selectOption('1');
  await pick.getByLabel(en['library.diff_to'], { exact: true }).selectOption(String(latest));
  await pick.getByRole('button', { name: en['library.diff_show'] }).click();
  await a
    .locator('.library-diff-out')
    .getByText(words('library.diff_between', { from: 1, to: latest }))
    .waitFor();
  const happened = a.locator('.diff-field[data-diff-field="what_happened"]');
  assert.deepEqual(await happened.locator('.diff-del .diff-text').allTextContents(), [
    'Nobody watched the far bank.',
  ]);
  assert.deepEqual(await happened.locator('.diff-add .diff-text').allTextContents(), [
    'A team covered the far bank.',
  ]);
  assert.deepEqual(await happened.locator('.diff-del .diff-sign').allTextContents(), ['−']);
  assert.deepEqual(await happened.locator('.diff-add .diff-sign').allTextContents(), ['+']);
  // The unchanged lines stay as they were, unmarked.
  assert.deepEqual(await happened.locator('.diff-same .diff-text').allTextContents(), [
    'The convoy halted at the ford.',
    'The escort dismounted.',
  ]);
  // The summary changed too; the status, a field without lines, as before and after.
  await a.locator('.diff-field[data-diff-field="summary"] .diff-add').first().waitFor();
  await fits(a, 'the versions at 1366 px');
  await st.shot(a, 'library-diff-1366.png');

  await small.goto(`${server.url}/#/library/${encodeURIComponent(id)}/versions`);
  await small.locator('.diff-field').first().waitFor();
  await fits(small, 'the versions at 360 px');
});
