// Bluehelm's browser app: a signed-in shell with hash-routed pages (#/directory, #/profile,
// #/admin/...). Plain ES modules bundled by esbuild; no framework, no external requests,
// nothing inline (the server's Content-Security-Policy is "default-src 'self'"), so it loads
// quickly on a slow link and runs under a strict policy. Every page but the directory (the
// home page) is a script of its own, fetched when the page first opens (see lazy() below), so
// the first visit carries the shell and the home page only; the admin pages and the profile
// joined them when their forms grew (client-side checks, password changes). Every word comes from the message
// catalogs (i18n.js), read when it is drawn: the pages' titles and navigation are functions.
import { api, ApiError, onSessionLost } from './api.js';
import { clear, fill, h, iconUrl } from './dom.js';
import { loadRegisterMessages, num, t } from './i18n.js';
import { adoptUserLanguage, languageSwitch, startLanguage } from './language.js';
import { label, loadVocabulary, ROLES } from './labels.js';
import { renderDirectory } from './pages/directory.js';
import { CAPABILITIES, renderPlaceholder } from './pages/placeholder.js';
import { renderSignIn } from './pages/signin.js';
import { can, clearSession, session, setSession } from './state.js';
import { errorNote, loading, slot, withElements } from './ui.js';
import { refreshNavCounts, showWorkNotice } from './worklist.js';

// The style sheet of the incident pages (Leaflet's own rules and the pages'), loaded with
// them. embed_web.cmake gives the name its version, as it does for every asset.
const INCIDENTS_CSS = '/assets/incidents.css';

const sheets = new Map();
// Adds <link rel=stylesheet href> once and resolves when it has loaded.
function loadStyle(href) {
  if (!sheets.has(href)) {
    const p = new Promise((resolve, reject) => {
      const link = h('link', { rel: 'stylesheet', href });
      link.addEventListener('load', resolve);
      link.addEventListener('error', () => {
        link.remove();
        sheets.delete(href);
        reject(new Error(t('shell.style_failed')));
      });
      document.head.append(link);
    });
    sheets.set(href, p);
  }
  return sheets.get(href);
}

// A page whose code is a script of its own: `load()` is an import() that esbuild turns into a
// separate chunk, fetched (and then cached for good) the first time the page opens. Until it
// arrives the page says it is loading; if it cannot arrive the page says so, with a retry.
// `parts` names the catalog parts beyond the registers' that the page's words are in
// (['coordination']; docs/i18n.md).
function lazy(load, name, css, parts) {
  return async (view, params) => {
    view.append(loading(t('shell.loading_page')));
    let mod;
    try {
      [mod] = await Promise.all([load(), css ? loadStyle(css) : null, loadRegisterMessages(parts)]);
    } catch (e) {
      if (view.isConnected)
        fill(
          view,
          errorNote({ message: t('shell.page_failed') }),
          h('button', { type: 'button', onclick: () => route(true) }, t('common.try_again')),
        );
      return;
    }
    if (!view.isConnected) return;
    clear(view);
    mod[name](view, params);
    if (view.dataset.focus) focusHeading(view);
  };
}

const HOME = '/directory';

// A coordination page (issue 15): its words are in the catalog's coordination part, fetched
// only when one of these pages opens.
const coordinationPage = (load, name) => lazy(load, name, INCIDENTS_CSS, ['coordination']);

// A library page (issue 16): its words are the catalog's library part.
const libraryPage = (load, name) => lazy(load, name, INCIDENTS_CSS, ['library']);

// A capacity-building page (issue 17): its words are the catalog's capacity part.
const capacityPage = (load, name) => lazy(load, name, INCIDENTS_CSS, ['capacity']);

// Every page: its route, its title, where it sits in the navigation and, for admin pages, the
// permission it needs (the server checks again; this only hides what cannot work). The words
// are functions, called when the navigation or the page is drawn.
const PAGES = [
  {
    path: '/directory',
    title: () => t('shell.title_directory'),
    nav: () => t('shell.nav_directory'),
    section: () => t('shell.section_community'),
    render: renderDirectory,
  },
  {
    path: '/profile',
    title: () => t('shell.title_profile'),
    nav: () => t('shell.nav_profile'),
    section: () => t('shell.section_community'),
    render: lazy(() => import('./pages/profile.js'), 'renderProfile'),
  },
  {
    path: '/casualties',
    title: () => t('shell.title_casualties'),
    nav: () => t('shell.nav_casualties'),
    section: () => t('shell.section_registers'),
    render: lazy(() => import('./pages/casualties.js'), 'renderCasualties'),
  },
  // Not in the navigation: reached from the register and from an incident's page.
  {
    path: '/casualties/new',
    title: () => t('shell.title_casualty_new'),
    navPath: '/casualties',
    perm: 'record.write',
    render: lazy(() => import('./pages/casualty_form.js'), 'renderCasualtyForm', INCIDENTS_CSS),
  },
  {
    path: '/incidents',
    title: () => t('shell.title_incidents'),
    nav: () => t('shell.nav_incidents'),
    section: () => t('shell.section_registers'),
    perm: 'record.read',
    render: lazy(() => import('./pages/incident_map.js'), 'renderIncidentMap', INCIDENTS_CSS),
  },
  {
    path: '/incidents/new',
    title: () => t('shell.title_incident_new'),
    nav: () => t('shell.nav_incident_new'),
    section: () => t('shell.section_registers'),
    perm: 'record.write',
    render: lazy(() => import('./pages/incident_form.js'), 'renderIncidentForm', INCIDENTS_CSS),
  },
  {
    path: '/queue',
    title: () => t('shell.title_queue'),
    nav: () => t('shell.nav_queue'),
    section: () => t('shell.section_registers'),
    perm: 'record.endorse',
    render: lazy(() => import('./pages/queue.js'), 'renderQueue', INCIDENTS_CSS),
  },
  {
    path: '/reports',
    title: () => t('shell.title_reports'),
    nav: () => t('shell.nav_reports'),
    section: () => t('shell.section_registers'),
    perm: 'record.write',
    render: lazy(() => import('./pages/my_reports.js'), 'renderMyReports', INCIDENTS_CSS),
  },
  // Not in the navigation: one incident (#/incidents/ID) and its edit form
  // (#/incidents/ID/edit), under the Incidents entry.
  {
    match: /^\/incidents\/([^/]+)\/edit$/,
    title: () => t('shell.title_incident_edit'),
    navPath: '/incidents',
    perm: 'record.write',
    render: lazy(() => import('./pages/incident_form.js'), 'renderIncidentForm', INCIDENTS_CSS),
  },
  {
    match: /^\/incidents\/([^/]+)$/,
    title: () => t('shell.title_incident'),
    navPath: '/incidents',
    perm: 'record.read',
    render: lazy(() => import('./pages/incident_detail.js'), 'renderIncidentDetail', INCIDENTS_CSS),
  },
  // Alerts, bulletins and notifications (issue 14); the words of the pages come with them.
  {
    path: '/alerts',
    title: () => t('shell.title_alerts'),
    nav: () => t('shell.nav_alerts'),
    section: () => t('shell.section_information'),
    render: lazy(() => import('./pages/alerts.js'), 'renderAlerts', INCIDENTS_CSS),
  },
  {
    path: '/alerts/new',
    title: () => t('shell.title_alert_new'),
    nav: () => t('shell.nav_alert_new'),
    section: () => t('shell.section_information'),
    perm: 'alert.send',
    render: lazy(() => import('./pages/alert_compose.js'), 'renderAlertCompose', INCIDENTS_CSS),
  },
  {
    match: /^\/alerts\/([^/]+)$/,
    title: () => t('shell.title_alerts'),
    navPath: '/alerts',
    render: lazy(() => import('./pages/alerts.js'), 'renderAlert', INCIDENTS_CSS),
  },
  {
    path: '/bulletins',
    title: () => t('shell.title_bulletins'),
    nav: () => t('shell.nav_bulletins'),
    section: () => t('shell.section_information'),
    render: lazy(() => import('./pages/bulletins.js'), 'renderBulletins', INCIDENTS_CSS),
  },
  {
    match: /^\/bulletins\/([^/]+)$/,
    title: () => t('shell.title_bulletins'),
    navPath: '/bulletins',
    render: lazy(() => import('./pages/bulletins.js'), 'renderBulletin', INCIDENTS_CSS),
  },
  // Reached from the bell in the header.
  {
    path: '/notifications',
    title: () => t('shell.title_notifications'),
    render: lazy(() => import('./pages/notifications.js'), 'renderNotifications', INCIDENTS_CSS),
  },
  // Coordination (issue 15): the dashboards, meetings, proposals under silence procedure,
  // commitments and their mission-level actions.
  {
    path: '/coordination',
    title: () => t('shell.title_coordination'),
    nav: () => t('shell.nav_coordination'),
    section: () => t('shell.section_coordination'),
    render: coordinationPage(() => import('./pages/coordination.js'), 'renderCoordination'),
  },
  {
    path: '/proposals',
    title: () => t('shell.title_proposals'),
    nav: () => t('shell.nav_proposals'),
    section: () => t('shell.section_coordination'),
    render: coordinationPage(() => import('./pages/proposals.js'), 'renderProposals'),
  },
  {
    path: '/proposals/new',
    title: () => t('shell.title_proposal_new'),
    navPath: '/proposals',
    perm: 'proposal.write',
    render: coordinationPage(() => import('./pages/proposals.js'), 'renderProposalForm'),
  },
  {
    match: /^\/proposals\/([^/]+)$/,
    title: () => t('shell.title_proposals'),
    navPath: '/proposals',
    render: coordinationPage(() => import('./pages/proposals.js'), 'renderProposal'),
  },
  {
    path: '/meetings',
    title: () => t('shell.title_meetings'),
    nav: () => t('shell.nav_meetings'),
    section: () => t('shell.section_coordination'),
    render: coordinationPage(() => import('./pages/meetings.js'), 'renderMeetings'),
  },
  {
    path: '/meetings/new',
    title: () => t('shell.title_meeting_new'),
    navPath: '/meetings',
    perm: 'meeting.write',
    render: coordinationPage(() => import('./pages/meetings.js'), 'renderMeetingForm'),
  },
  {
    match: /^\/meetings\/([^/]+)$/,
    title: () => t('shell.title_meetings'),
    navPath: '/meetings',
    render: coordinationPage(() => import('./pages/meetings.js'), 'renderMeeting'),
  },
  {
    match: /^\/decisions\/([^/]+)$/,
    title: () => t('shell.title_decision'),
    navPath: '/meetings',
    render: coordinationPage(() => import('./pages/meetings.js'), 'renderDecision'),
  },
  {
    path: '/commitments',
    title: () => t('shell.title_commitments'),
    nav: () => t('shell.nav_commitments'),
    section: () => t('shell.section_coordination'),
    render: coordinationPage(() => import('./pages/commitments.js'), 'renderCommitments'),
  },
  {
    path: '/commitments/new',
    title: () => t('shell.title_commitment_new'),
    navPath: '/commitments',
    perm: 'commitment.write',
    render: coordinationPage(() => import('./pages/commitments.js'), 'renderCommitmentForm'),
  },
  {
    match: /^\/commitments\/([^/]+)$/,
    title: () => t('shell.title_commitments'),
    navPath: '/commitments',
    render: coordinationPage(() => import('./pages/commitments.js'), 'renderCommitment'),
  },
  {
    match: /^\/actions\/([^/]+)$/,
    title: () => t('shell.title_action'),
    navPath: '/commitments',
    render: coordinationPage(() => import('./pages/actions.js'), 'renderAction'),
  },
  // The knowledge library (issue 16): search, the reader, the editor and the review view.
  {
    path: '/library',
    title: () => t('shell.title_library'),
    nav: () => t('shell.nav_library'),
    section: () => t('shell.section_library'),
    render: libraryPage(() => import('./pages/library.js'), 'renderLibrary'),
  },
  {
    path: '/library/review',
    title: () => t('shell.title_library_review'),
    nav: () => t('shell.nav_library_review'),
    section: () => t('shell.section_library'),
    perm: 'library.comment',
    render: libraryPage(() => import('./pages/library_review.js'), 'renderLibraryReview'),
  },
  {
    path: '/library/new',
    title: () => t('shell.title_library_new'),
    navPath: '/library',
    perm: 'library.write',
    render: libraryPage(() => import('./pages/library_edit.js'), 'renderLibraryEditor'),
  },
  {
    match: /^\/library\/([^/]+)\/edit$/,
    title: () => t('shell.title_library_edit'),
    navPath: '/library',
    perm: 'library.write',
    render: libraryPage(() => import('./pages/library_edit.js'), 'renderLibraryEditor'),
  },
  {
    match: /^\/library\/([^/]+)\/versions$/,
    title: () => t('shell.title_library_versions'),
    navPath: '/library',
    render: libraryPage(() => import('./pages/library_edit.js'), 'renderLibraryVersions'),
  },
  {
    match: /^\/library\/([^/]+)$/,
    title: () => t('shell.title_library'),
    navPath: '/library',
    render: libraryPage(() => import('./pages/document.js'), 'renderDocument'),
  },
  // Capacity building (issue 17): needs, offers, proposed and confirmed matches, training
  // records and the gap reports.
  {
    path: '/capacity',
    title: () => t('shell.title_capacity_needs'),
    nav: () => t('shell.nav_capacity_needs'),
    section: () => t('shell.section_capacity'),
    render: capacityPage(() => import('./pages/capacity_needs.js'), 'renderNeeds'),
  },
  {
    path: '/capacity/needs/new',
    title: () => t('shell.title_capacity_need_new'),
    navPath: '/capacity',
    perm: 'capacity.request',
    render: capacityPage(() => import('./pages/capacity_needs.js'), 'renderNeedForm'),
  },
  {
    match: /^\/capacity\/needs\/([^/]+)\/edit$/,
    title: () => t('shell.title_capacity_need_edit'),
    navPath: '/capacity',
    perm: 'capacity.request',
    render: capacityPage(() => import('./pages/capacity_needs.js'), 'renderNeedForm'),
  },
  {
    match: /^\/capacity\/needs\/([^/]+)$/,
    title: () => t('shell.title_capacity_need'),
    navPath: '/capacity',
    render: capacityPage(() => import('./pages/capacity_needs.js'), 'renderNeed'),
  },
  {
    path: '/capacity/offers',
    title: () => t('shell.title_capacity_offers'),
    nav: () => t('shell.nav_capacity_offers'),
    section: () => t('shell.section_capacity'),
    render: capacityPage(() => import('./pages/capacity_offers.js'), 'renderOffers'),
  },
  {
    path: '/capacity/offers/new',
    title: () => t('shell.title_capacity_offer_new'),
    navPath: '/capacity/offers',
    perm: 'capacity.offer',
    render: capacityPage(() => import('./pages/capacity_offers.js'), 'renderOfferForm'),
  },
  {
    match: /^\/capacity\/offers\/([^/]+)\/edit$/,
    title: () => t('shell.title_capacity_offer_edit'),
    navPath: '/capacity/offers',
    perm: 'capacity.offer',
    render: capacityPage(() => import('./pages/capacity_offers.js'), 'renderOfferForm'),
  },
  {
    match: /^\/capacity\/offers\/([^/]+)$/,
    title: () => t('shell.title_capacity_offer'),
    navPath: '/capacity/offers',
    render: capacityPage(() => import('./pages/capacity_offers.js'), 'renderOffer'),
  },
  {
    path: '/capacity/matches',
    title: () => t('shell.title_capacity_matches'),
    nav: () => t('shell.nav_capacity_matches'),
    section: () => t('shell.section_capacity'),
    render: capacityPage(() => import('./pages/capacity_matches.js'), 'renderMatches'),
  },
  {
    path: '/capacity/training',
    title: () => t('shell.title_capacity_training'),
    nav: () => t('shell.nav_capacity_training'),
    section: () => t('shell.section_capacity'),
    render: capacityPage(() => import('./pages/capacity_training.js'), 'renderTraining'),
  },
  {
    path: '/capacity/training/new',
    title: () => t('shell.title_capacity_course_new'),
    navPath: '/capacity/training',
    perm: 'capacity.train',
    render: capacityPage(() => import('./pages/capacity_training.js'), 'renderCourseForm'),
  },
  {
    match: /^\/capacity\/training\/([^/]+)$/,
    title: () => t('shell.title_capacity_course'),
    navPath: '/capacity/training',
    render: capacityPage(() => import('./pages/capacity_training.js'), 'renderCourse'),
  },
  {
    path: '/capacity/gaps',
    title: () => t('shell.title_capacity_gaps'),
    nav: () => t('shell.nav_capacity_gaps'),
    section: () => t('shell.section_capacity'),
    render: capacityPage(() => import('./pages/capacity_gaps.js'), 'renderGaps'),
  },
  {
    path: '/admin/orgs',
    title: () => t('shell.title_orgs'),
    nav: () => t('shell.nav_orgs'),
    section: () => t('shell.section_admin'),
    perm: 'org.write',
    render: lazy(() => import('./pages/admin_orgs.js'), 'renderAdminOrgs'),
  },
  {
    path: '/admin/users',
    title: () => t('shell.title_users'),
    nav: () => t('shell.nav_users'),
    section: () => t('shell.section_admin'),
    perm: 'user.admin',
    render: lazy(() => import('./pages/admin_users.js'), 'renderAdminUsers'),
  },
  {
    path: '/admin/groups',
    title: () => t('shell.title_groups'),
    nav: () => t('shell.nav_groups'),
    section: () => t('shell.section_admin'),
    perm: 'group.write',
    render: lazy(() => import('./pages/admin_groups.js'), 'renderAdminGroups'),
  },
  {
    path: '/audit',
    title: () => t('shell.title_audit'),
    nav: () => t('shell.nav_audit'),
    section: () => t('shell.section_admin'),
    perm: 'audit.read',
    render: lazy(() => import('./pages/audit.js'), 'renderAudit'),
  },
  {
    path: '/help',
    title: () => t('shell.title_help'),
    nav: () => t('shell.nav_help'),
    section: () => t('shell.section_help'),
    render: lazy(() => import('./pages/help.js'), 'renderHelp'),
  },
].concat(
  CAPABILITIES.map((c) => ({
    path: `/${c.key}`,
    title: c.title,
    nav: c.nav,
    section: () => t('shell.section_soon'),
    soon: true,
    render: (el) => renderPlaceholder(el, c),
  })),
);

const root = document.getElementById('app');
let shell = null; // { main, nav } while signed in

// The page's path; a page may keep its own state after a '?' (#/casualties?mission=UNIFIL).
function currentPath() {
  const p = location.hash.replace(/^#/, '').split('?')[0];
  return p && p !== '/' ? p : HOME;
}

function buildNav() {
  const nav = h('nav', { class: 'sidenav', 'aria-label': t('shell.nav_label') });
  let section = '';
  let list = null;
  for (const p of PAGES) {
    if (!p.nav || (p.perm && !can(p.perm))) continue;
    if (p.section() !== section) {
      section = p.section();
      list = h('ul', null);
      nav.append(h('h2', { class: 'nav-section' }, section), list);
    }
    list.append(
      h(
        'li',
        null,
        h(
          'a',
          { href: `#${p.path}`, 'data-path': p.path, class: p.soon ? 'soon' : null },
          p.nav(),
          p.soon ? h('span', { class: 'soon-tag' }, t('shell.soon')) : null,
        ),
      ),
    );
  }
  return nav;
}

function buildShell() {
  const u = session.user;
  const main = h('main', { id: 'main', tabindex: '-1' });
  const nav = buildNav();
  // On a narrow screen the navigation folds behind a Menu button (CSS shows the button only
  // there); choosing a page folds it again.
  const menu = h(
    'button',
    {
      type: 'button',
      class: 'ghost menu-toggle',
      'aria-expanded': 'false',
      'aria-controls': 'sidenav',
      onclick: () => {
        const open = nav.classList.toggle('open');
        menu.setAttribute('aria-expanded', open ? 'true' : 'false');
      },
    },
    t('shell.menu'),
  );
  nav.id = 'sidenav';
  nav.addEventListener('click', (ev) => {
    if (ev.target.closest('a')) {
      nav.classList.remove('open');
      menu.setAttribute('aria-expanded', 'false');
    }
  });
  const signOut = h(
    'button',
    { type: 'button', class: 'ghost', onclick: doSignOut },
    t('shell.sign_out'),
  );
  const skip = h(
    'a',
    {
      class: 'skip',
      href: '#main',
      onclick: (ev) => {
        ev.preventDefault();
        main.focus();
      },
    },
    t('shell.skip'),
  );
  const who = h(
    'div',
    { class: 'who', 'aria-label': t('shell.signed_in_as') },
    // A name may be written in Arabic or in Latin letters: its own letters set its direction.
    h(
      'span',
      { class: 'who-name', dir: 'auto', title: u.display_name || u.username },
      u.display_name || u.username,
    ),
    h(
      'span',
      { class: 'who-meta' },
      u.display_name && u.display_name !== u.username
        ? h('span', { class: 'who-user', dir: 'ltr' }, u.username)
        : null,
      h('span', { class: 'tag', title: t('shell.organization'), dir: 'ltr' }, u.org),
      h('span', { class: 'tag tag-role', title: t('shell.role') }, label(ROLES, u.role)),
    ),
  );
  // The notification bell; live.js (fetched after sign-in, not on the first visit) draws it.
  const bell = h('a', {
    href: '#/notifications',
    class: 'bell',
    'aria-label': t('live.bell', { n: 0 }),
  });
  const header = h(
    'header',
    { class: 'topbar' },
    h(
      'a',
      { class: 'brand', href: `#${HOME}` },
      h('img', { src: iconUrl(), alt: '', width: 28, height: 28 }),
      // i18n-exempt: the product's name
      h('span', null, 'Bluehelm'),
    ),
    h('div', { class: 'topbar-right' }, who, bell, languageSwitch(true), menu, signOut),
  );
  fill(root, skip, header, h('div', { class: 'layout' }, nav, main));
  root.className = 'app';
  shell = { main, nav };
  startLive(bell);
}

function route(focus) {
  if (!shell) return;
  const path = currentPath();
  let params = null;
  const page =
    PAGES.find((p) => p.path === path) ||
    PAGES.find((p) => p.match && (params = p.match.exec(path)));
  const navPath = (page && page.navPath) || path;
  for (const a of shell.nav.querySelectorAll('a[data-path]')) {
    if (a.getAttribute('data-path') === navPath) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
  // The work list's counts beside the entries, asked again on every navigation.
  refreshNavCounts(shell.nav);
  // Each page renders into a fresh container: a slow reply for a page already left lands
  // in a detached element and does no harm.
  const view = h('div', { class: 'page' });
  // A page may leave something to undo (a map's listeners): `bhLeave` on its container.
  const old = shell.main.firstChild;
  if (old && old.bhLeave) old.bhLeave();
  fill(shell.main, view);
  if (!page) {
    document.title = t('shell.document_title', { page: t('shell.title_not_found') });
    view.append(
      h('h1', { tabindex: '-1' }, t('shell.not_found_heading')),
      h(
        'p',
        null,
        withElements(
          t('shell.not_found_text', { link: slot(0) }),
          h('a', { href: `#${HOME}` }, t('shell.not_found_link')),
        ),
      ),
    );
  } else if (page.perm && !can(page.perm)) {
    document.title = t('shell.document_title', { page: page.title() });
    view.append(
      h('h1', { tabindex: '-1' }, page.title()),
      h(
        'p',
        { class: 'alert alert-info' },
        withElements(
          t('shell.needs_permission', { perm: slot(0) }),
          h('bdi', { dir: 'ltr' }, page.perm),
        ),
      ),
    );
  } else {
    document.title = t('shell.document_title', { page: page.title() });
    page.render(view, params ? params.slice(1).map(unescapePart) : []);
  }
  if (focus) {
    // A page still loading its script takes the focus to its heading when it arrives.
    view.dataset.focus = '1';
    focusHeading(view);
  }
}

function focusHeading(view) {
  const h1 = view.querySelector('h1');
  if (h1) {
    h1.setAttribute('tabindex', '-1');
    h1.focus();
  }
}

// A part of the address as it was meant ("%2F" → "/"); a malformed escape stays as typed.
function unescapePart(s) {
  try {
    return decodeURIComponent(s);
  } catch (e) {
    return s;
  }
}

// The live stream and the bell (live.js): given the shell's helpers rather than importing
// them, so that fetching it later splits no shared chunk of the shell.
let live = null;
function startLive(bell) {
  import('./live.js').then(
    (m) => {
      live = m;
      if (shell && bell.isConnected) m.startLive({ api, h, num, t }, bell);
    },
    () => {},
  );
}

function showSignIn(notice) {
  shell = null;
  if (live) live.stopLive();
  clear(root);
  root.className = 'app signed-out';
  document.title = t('shell.document_title', { page: t('shell.title_signin') });
  renderSignIn(
    root,
    async (data) => {
      // Asked for at boot, and again here if that failed or if the user's own language is not
      // the one the sign-in page spoke; without them the pages show codes, which beats no page.
      const again = await adoptUserLanguage(data.user);
      await loadVocabulary(again).catch(() => {});
      rememberSession();
      setSession(data);
      buildShell();
      route(true);
      showWorkNotice(root.querySelector('.layout'));
    },
    notice,
  );
}

async function doSignOut() {
  try {
    await api('DELETE', '/api/v1/session', undefined, { quiet401: true });
  } catch (e) {
    // Signed out already (401) or unreachable: the app forgets the session either way.
  }
  clearSession();
  // Drop the page from the address, so the next person to sign in starts at home.
  history.replaceState(null, '', location.pathname + location.search);
  showSignIn(t('shell.signed_out'));
}

onSessionLost(() => {
  if (!shell) return;
  clearSession();
  showSignIn(t('shell.session_ended'));
});

window.addEventListener('hashchange', () => route(true));

// Whether this browser has had a session before: then the words for the codes are asked for
// at boot beside the session. A first visit is on the sign-in page, which needs none of them,
// so a new device on a slow link does not pay for every capability's words (api/assets and
// e2e/slow-link hold the first visit to its budget).
const SIGNED_IN_KEY = 'bluehelm.signed_in';

function hadSession() {
  try {
    return localStorage.getItem(SIGNED_IN_KEY) === '1';
  } catch (e) {
    return false; // storage refused: the words then come after the session
  }
}

function rememberSession() {
  try {
    localStorage.setItem(SIGNED_IN_KEY, '1');
  } catch (e) {
    // Not kept: the next boot asks for the words after the session, one round trip later.
  }
}

async function boot() {
  await startLanguage();
  // The words for the codes, asked for beside the session so neither waits on the other; the
  // sign-in page needs none of them and does not wait for them.
  const early = hadSession() ? loadVocabulary().catch(() => {}) : null;
  try {
    const data = await api('GET', '/api/v1/session', undefined, { quiet401: true });
    rememberSession();
    await (early || loadVocabulary().catch(() => {}));
    // The user's own language, when it is not the device's: the words again, in it.
    if (await adoptUserLanguage(data.user)) await loadVocabulary(true).catch(() => {});
    setSession(data);
    buildShell();
    route(false);
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) {
      showSignIn();
      return;
    }
    clear(root);
    root.className = 'app boot';
    const retry = h(
      'button',
      { type: 'button', class: 'primary', onclick: boot },
      t('common.try_again'),
    );
    root.append(
      h(
        'div',
        { class: 'boot-error', role: 'alert' },
        h('h1', null, t('shell.boot_failed')),
        h('p', null, e.message || String(e)),
        retry,
      ),
    );
  }
}

boot();
