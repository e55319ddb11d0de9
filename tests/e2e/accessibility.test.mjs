// Every page of the app as each role sees it, at a desktop's 1366 px and a phone's 360 px:
// axe-core (npm) finds no serious or critical violation, nothing scrolls sideways, a long
// display name leaves Sign out on the screen, and no navigation writes a script error. The
// pages are the navigation's own links, so a page added to the app is walked without a change
// here; an incident's detail page is added from the list. Screenshots of each page go to
// BH_E2E_SCREENSHOTS (a11y-ROLE-WIDTH-PAGE.png) for a person to look at.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, test } from 'node:test';
import {
  axeViolations,
  bluehelm,
  launchBrowser,
  scratch,
  screenshotDir,
  sidewaysScroll,
  startServer,
  watchPage,
} from './harness.mjs';

const PASSWORD = 'Peacekeeping-e2e-2026';
const MISSION = 'MINUSCA';
// One user per kind of navigation (the coordinator's and the focal point's pages are the
// admin's and the analyst's, fewer); the names are long on purpose (a phone's header must cut
// them).
const USERS = [
  ['a11y-admin', 'CHN', 'admin', 'Administrator of the Platform Secretariat'],
  ['a11y-reporter', 'RWA', 'reporter', 'Jean-Baptiste Nsengiyumva Habimana'],
  ['a11y-endorser', 'BRA', 'endorser', 'Joint Operations Centre Duty Officer'],
  ['a11y-analyst', 'BRA', 'analyst', 'Maria Fernanda da Silva Albuquerque'],
  ['a11y-auditor', 'CHN', 'auditor', 'Internal Oversight Auditor of Records'],
];
const SIZES = [
  { width: 1366, height: 768 },
  { width: 360, height: 740 },
];

let server;
let browser;
let shots;

before(async () => {
  const dir = scratch('accessibility');
  shots = screenshotDir();
  const db = path.join(dir, 'store.db');
  bluehelm(['init', '--seed', '--db', db]);
  bluehelm(['demo', '--incidents', '150', '--seed', '3', '--db', db]);
  for (const [user, org, role, name] of USERS) {
    bluehelm(
      [
        'user',
        'add',
        user,
        '--org',
        org,
        '--role',
        role,
        '--display-name',
        name,
        '--password-stdin',
        '--db',
        db,
      ],
      `${PASSWORD}\n`,
    );
    if (role === 'endorser') bluehelm(['user', 'missions', user, MISSION, '--db', db]);
  }
  server = await startServer(db, path.join(dir, 'server.log'));
  browser = await launchBrowser();
});

after(async () => {
  if (browser) await browser.close();
  if (server) assert.equal(await server.stop(), 0);
});

// The page has drawn: its heading is there, nothing says it is still loading, and no
// transition is still running (the casualties dashboard fades back from its busy state over
// 0.15 s; axe measuring contrast in between sees faded text, on a slow machine).
async function settled(page) {
  await page.locator('main h1').first().waitFor();
  await page.waitForFunction(
    () =>
      !document.querySelector('main .loading') &&
      !document.querySelector('main [aria-busy="true"]') &&
      document.getAnimations().every((a) => a.playState !== 'running'),
    null,
    { timeout: 20000 },
  );
}

for (const [user, , role] of USERS) {
  test(`a11y/${role}: every page at 1366 and 360 px, no serious violation, no sideways scroll`, async () => {
    const found = [];
    for (const size of SIZES) {
      const context = await browser.newContext({ viewport: size, timezoneId: 'UTC' });
      const page = await context.newPage();
      page.setDefaultTimeout(20000);
      const problems = watchPage(page, server.url);
      try {
        await page.goto(`${server.url}/`);
        await page.getByLabel('Username').fill(user);
        await page.getByLabel('Password').fill(PASSWORD);
        await page.getByRole('button', { name: 'Sign in' }).click();
        await settled(page);
        // Sign out stays on the screen, whatever the name's length.
        const out = await page.getByRole('button', { name: 'Sign out' }).boundingBox();
        assert.ok(out, 'Sign out is shown');
        assert.ok(
          out.x >= 0 && out.x + out.width <= size.width,
          `${role} at ${size.width}px: Sign out at x=${out.x}..${out.x + out.width}`,
        );
        const paths = await page
          .locator('nav.sidenav a[data-path]')
          .evaluateAll((as) => as.map((a) => a.getAttribute('data-path')));
        assert.ok(paths.length >= 2, `${role} has a navigation`);
        if (paths.includes('/incidents')) paths.push('detail');
        for (const p of paths) {
          if (p === 'detail') {
            await page.goto(`${server.url}/#/incidents`);
            await settled(page);
            const id = await page.evaluate(async () => {
              const r = await fetch('/api/v1/incidents?limit=1');
              return (await r.json()).items[0].id;
            });
            await page.goto(`${server.url}/#/incidents/${encodeURIComponent(id)}`);
          } else {
            await page.goto(`${server.url}/#${p}`);
          }
          await settled(page);
          const name = `${role}-${size.width}-${p.replace(/\W+/g, '_')}`;
          await page.screenshot({ path: path.join(shots, `a11y-${name}.png`) });
          for (const v of await axeViolations(page)) found.push(`${name}: ${v}`);
          const wide = await sidewaysScroll(page);
          if (wide > 0) found.push(`${name}: scrolls ${wide}px sideways`);
        }
        for (const p of problems) found.push(`${role}-${size.width}: ${p}`);
      } finally {
        await context.close();
      }
    }
    assert.deepEqual(found, []);
  });
}

// The user guide opens from the menu, drawn from docs/guide.md: its sections are headings, its
// spans are elements, and a French reader is told it is in English.
test('help/guide: the menu opens the user guide with its sections', async () => {
  const context = await browser.newContext({ viewport: SIZES[0], locale: 'fr-FR' });
  const page = await context.newPage();
  const problems = watchPage(page, server.url);
  try {
    await page.goto(`${server.url}/`);
    await page.getByLabel('Nom d’utilisateur').fill(USERS[1][0]);
    await page.getByLabel('Mot de passe').fill(PASSWORD);
    await page.getByRole('button', { name: 'Se connecter' }).click();
    await page.getByRole('link', { name: 'Guide de l’utilisateur' }).click();
    await page.getByRole('heading', { level: 1, name: 'Guide de l’utilisateur' }).waitFor();
    await page.getByText('Le guide n’existe pour l’instant qu’en anglais.').waitFor();
    const sections = await page.locator('.guide h3').allInnerTexts();
    assert.ok(sections.includes('Report → endorse → release'), sections.join(' | '));
    assert.ok(sections.includes('The map'), sections.join(' | '));
    assert.equal(await page.locator('.guide strong', { hasText: 'Release' }).count(), 1);
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});
