// Meetings and decisions (issue 15): the list (#/meetings, upcoming then past), a meeting
// (#/meetings/ID: agenda, participants and attendance, minutes, decisions, its time in its own
// zone and in the reader's), the form that schedules one (#/meetings/new, for meeting.write)
// and a decision (#/decisions/ID: its text, its meeting or proposal, the commitments made from
// it). Minutes and decision texts are Markdown read by markdown.js, which builds elements and
// never HTML. Lists, not tables, so nothing scrolls sideways on a 360 px screen.
import { api } from '../api.js';
import { fill, h } from '../dom.js';
import {
  dateTimeInput,
  field,
  formAlert,
  input,
  onSubmit,
  select,
  statusLine,
  validateWith,
} from '../forms.js';
import { facts, getGroups, setFlash, tlpBadge, TLPS } from '../incidents/common.js';
import { instant, num, t } from '../i18n.js';
import { blocks } from '../markdown.js';
import { markingFields } from '../marking.js';
import { can, session } from '../state.js';
import { errorNote, loading, pageHeader } from '../ui.js';

const KINDS = ['plenary', 'co_chairs', 'working_group', 'briefing', 'other'];
const STATUSES = ['planned', 'held', 'cancelled'];

export const meetingHref = (id) => `#/meetings/${encodeURIComponent(id)}`;
export const decisionHref = (id) => `#/decisions/${encodeURIComponent(id)}`;

function kindLabel(k) {
  return (
    {
      plenary: t('meetings.kind_plenary'),
      co_chairs: t('meetings.kind_co_chairs'),
      working_group: t('meetings.kind_working_group'),
      briefing: t('meetings.kind_briefing'),
      other: t('meetings.kind_other'),
    }[k] || k
  );
}

function statusLabel(s) {
  return (
    {
      planned: t('meetings.status_planned'),
      held: t('meetings.status_held'),
      cancelled: t('meetings.status_cancelled'),
    }[s] || s
  );
}

// The time in the reader's zone (the profile's, else the browser's): "10 Dec 2026, 23:00 GMT".
function readerTime(text) {
  return instant(text);
}

// "America/New_York" → "New York".
const place = (zone) =>
  String(zone || '')
    .split('/')
    .pop()
    .replace(/_/g, ' ');

// The start as the meeting's own zone shows it: "10 Dec 2026, 18:00 EST (New York)".
function localTime(m) {
  if (!m.time_zone) return '';
  return t('meetings.in_zone', {
    time: instant(m.starts_at, m.time_zone),
    zone: place(m.time_zone),
  });
}

function meetingItem(m) {
  return h(
    'li',
    { class: 'card meeting-item' },
    h('h3', null, h('a', { href: meetingHref(m.id), dir: 'auto' }, m.title || m.id)),
    h(
      'p',
      { class: 'muted' },
      readerTime(m.starts_at),
      m.time_zone ? h('span', { class: 'meeting-local' }, ' · ', localTime(m)) : null,
      ' · ',
      kindLabel(m.kind),
      ' · ',
      statusLabel(m.status),
      ' ',
      tlpBadge(m.tlp),
    ),
  );
}

export function renderMeetings(view) {
  const out = h('div', null, loading(t('meetings.loading')));
  view.append(
    pageHeader(t('meetings.title'), t('meetings.intro')),
    can('meeting.write')
      ? h(
          'p',
          { class: 'actions' },
          h('a', { href: '#/meetings/new', class: 'button' }, t('meetings.new')),
        )
      : null,
    out,
  );
  let items = [];
  async function load(cursor) {
    let r;
    try {
      const q = new URLSearchParams({ limit: '100' });
      if (cursor) q.set('cursor', cursor);
      r = await api('GET', `/api/v1/meetings?${q}`);
    } catch (e) {
      if (view.isConnected) fill(out, errorNote(e));
      return;
    }
    if (!view.isConnected) return;
    items = items.concat((r && r.items) || []);
    const now = Date.now();
    // The list comes latest start first: the upcoming ones are read soonest first.
    const upcoming = items.filter((m) => Date.parse(m.ends_at) >= now).reverse();
    const past = items.filter((m) => Date.parse(m.ends_at) < now);
    const section = (title, list, empty) =>
      h(
        'section',
        null,
        h('h2', null, title),
        list.length
          ? h('ul', { class: 'meeting-list' }, list.map(meetingItem))
          : h('p', { class: 'empty' }, empty),
      );
    fill(
      out,
      section(t('meetings.upcoming'), upcoming, t('meetings.none_upcoming')),
      section(t('meetings.past'), past, t('meetings.none_past')),
      r && r.next
        ? h(
            'p',
            { class: 'actions' },
            h('button', { type: 'button', onclick: () => load(r.next) }, t('meetings.show_more')),
          )
        : null,
    );
  }
  load();
}

// An online meeting's address, as a link only when it is http(s).
function onlineLink(url) {
  if (!url || !/^https?:\/\//i.test(url)) return '';
  return h('a', { href: url, rel: 'noopener noreferrer', dir: 'ltr', class: 'wrap' }, url);
}

export async function renderMeeting(view, [id]) {
  view.append(loading(t('meetings.loading_one')));
  let m;
  try {
    m = await api('GET', `/api/v1/meetings/${encodeURIComponent(id)}`);
  } catch (e) {
    if (view.isConnected) fill(view, pageHeader(t('meetings.title')), errorNote(e));
    return;
  }
  if (!view.isConnected) return;
  const agenda = m.agenda || [];
  const parts = m.participants || [];
  const decisions = m.decisions || [];
  fill(
    view,
    pageHeader(m.title || m.id),
    h('div', { class: 'badges' }, tlpBadge(m.tlp)),
    facts([
      [t('meetings.col_kind'), kindLabel(m.kind)],
      [t('meetings.col_status'), statusLabel(m.status)],
      [t('meetings.col_local_time'), localTime(m)],
      [t('meetings.col_your_time'), readerTime(m.starts_at)],
      [t('meetings.col_ends'), readerTime(m.ends_at)],
      [t('meetings.col_venue'), m.venue ? h('span', { dir: 'auto' }, m.venue) : ''],
      [t('meetings.col_online'), onlineLink(m.online_url)],
      [
        t('meetings.col_attendance'),
        m.attendance_total === null || m.attendance_total === undefined
          ? ''
          : num(m.attendance_total),
      ],
      [t('meetings.col_owner'), h('span', { dir: 'ltr' }, m.owner)],
    ]),
    h(
      'section',
      null,
      h('h2', null, t('meetings.agenda')),
      agenda.length
        ? h(
            'ol',
            { class: 'agenda' },
            agenda.map((a) =>
              h(
                'li',
                null,
                h('span', { dir: 'auto' }, a.title),
                a.notes ? h('p', { class: 'muted', dir: 'auto' }, a.notes) : null,
              ),
            ),
          )
        : h('p', { class: 'empty' }, t('meetings.no_agenda')),
    ),
    h(
      'section',
      null,
      h('h2', null, t('meetings.participants')),
      parts.length
        ? h(
            'ul',
            { class: 'participants' },
            parts.map((p) =>
              h(
                'li',
                null,
                h('span', { dir: 'auto' }, p.name || p.org),
                ' ',
                h('span', { class: 'muted', dir: 'ltr' }, `(${p.org})`),
                ' — ',
                p.attendees === null || p.attendees === undefined
                  ? t('meetings.attendees_unknown')
                  : t('meetings.attendees', { n: p.attendees }),
              ),
            ),
          )
        : h('p', { class: 'empty' }, t('meetings.no_participants')),
    ),
    m.minutes
      ? h(
          'section',
          null,
          h('h2', null, t('meetings.minutes')),
          h('article', { class: 'card minutes', dir: 'auto' }, blocks(m.minutes)),
        )
      : null,
    h(
      'section',
      null,
      h('h2', null, t('meetings.decisions')),
      decisions.length
        ? h(
            'ul',
            { class: 'decisions' },
            decisions.map((d) =>
              h(
                'li',
                null,
                h('a', { href: decisionHref(d.id), dir: 'auto' }, d.title),
                ' ',
                h('span', { class: 'muted' }, readerTime(d.decided_at)),
              ),
            ),
          )
        : h('p', { class: 'empty' }, t('meetings.no_decisions')),
    ),
    mayDecide(m) ? decisionForm(m) : null,
    h(
      'p',
      { class: 'actions' },
      h('a', { href: '#/meetings', class: 'button' }, t('meetings.back')),
    ),
  );
}

// The meeting's organization's meeting.write holders and admins record its decisions.
function mayDecide(m) {
  const user = session.user || {};
  return can('meeting.write') && (user.role === 'admin' || user.org === m.owner);
}

// Records a decision taken at meeting `m`: a title and its text (Markdown); its marking is
// the meeting's.
function decisionForm(m) {
  const title = input('title', { required: true, maxlength: '200', dir: 'auto' });
  const text = h('textarea', { name: 'text', rows: '4', dir: 'auto' });
  const status = statusLine();
  const form = h(
    'form',
    { class: 'form decision-form', novalidate: true },
    h('h2', null, t('meetings.record_decision')),
    formAlert(),
    field(t('meetings.f_decision_title'), title),
    field(t('meetings.f_decision_text'), text),
    h('p', { class: 'actions' }, h('button', { type: 'submit' }, t('meetings.record'))),
    status,
  );
  validateWith(form, () =>
    title.value.trim() ? [] : [['title', t('meetings.problem_decision_title')]],
  );
  onSubmit(
    form,
    async (key) => {
      const d = await api(
        'POST',
        `/api/v1/meetings/${encodeURIComponent(m.id)}/decisions`,
        { title: title.value.trim(), text: text.value },
        { idempotencyKey: key },
      );
      setFlash(t('meetings.decision_saved'));
      location.hash = decisionHref(d.id);
    },
    status,
  );
  return form;
}

// "Zeta\nAlpha" → [{title: "Zeta"}, {title: "Alpha"}], blank lines left out.
export function agendaOf(text) {
  return String(text || '')
    .split('\n')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((title) => ({ title }));
}

// "BRA, CHN 4" → [{org: "BRA"}, {org: "CHN", attendees: 4}].
export function participantsOf(text) {
  return String(text || '')
    .split(/[,;\n]+/)
    .map((s) => s.trim())
    .filter(Boolean)
    .map((s) => {
      const m = /^(\S+)(?:\s+(\d+))?$/.exec(s);
      if (!m) return { org: s };
      return m[2]
        ? { org: m[1].toUpperCase(), attendees: Number(m[2]) }
        : { org: m[1].toUpperCase() };
    });
}

// A date-time field's text ("2026-12-10 09:00") as the wall-clock time the API reads in the
// meeting's zone ("2026-12-10T09:00").
function wallClock(value) {
  return String(value || '')
    .trim()
    .replace(/\s+/, 'T');
}

export async function renderMeetingForm(view) {
  view.append(pageHeader(t('meetings.new_title')));
  if (!can('meeting.write')) {
    view.append(h('p', { class: 'alert alert-error', role: 'alert' }, t('meetings.may_not_write')));
    return;
  }
  const groups = await getGroups().catch(() => []);
  if (!view.isConnected) return;
  const c = {};
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  c.title = input('title', { required: true, maxlength: '200', dir: 'auto' });
  c.kind = select(
    'kind',
    KINDS.map((k) => [k, kindLabel(k)]),
    'plenary',
  );
  c.status = select(
    'status',
    STATUSES.map((s) => [s, statusLabel(s)]),
    'planned',
  );
  c.starts_at = dateTimeInput('starts_at', { required: true });
  c.ends_at = dateTimeInput('ends_at', { required: true });
  c.time_zone = input('time_zone', { value: zone, dir: 'ltr', spellcheck: 'false' });
  c.venue = input('venue', { dir: 'auto' });
  c.online_url = input('online_url', { type: 'url', dir: 'ltr', spellcheck: 'false' });
  c.agenda = h('textarea', { name: 'agenda', rows: '4', dir: 'auto' });
  c.participants = input('participants', { dir: 'ltr', spellcheck: 'false' });
  c.minutes = h('textarea', { name: 'minutes', rows: '6', dir: 'auto' });
  c.tlp = select(
    'tlp',
    TLPS.map((m) => [m, `TLP:${m}`]),
    'GREEN',
  );
  c.sharing_group = select(
    'sharing_group',
    [['', t('meetings.choose_group')]].concat(groups.map((g) => [String(g.id), g.name])),
    '',
  );
  c.recipients = input('recipients', { autocomplete: 'off', spellcheck: 'false', dir: 'ltr' });
  const marking = markingFields(c);
  const status = statusLine();
  const form = h(
    'form',
    { class: 'form meeting-form', novalidate: true },
    formAlert(),
    field(t('meetings.f_title'), c.title),
    field(t('meetings.col_kind'), c.kind),
    field(t('meetings.col_status'), c.status),
    field(t('meetings.f_starts'), c.starts_at),
    field(t('meetings.f_ends'), c.ends_at),
    field(t('meetings.f_zone'), c.time_zone, t('meetings.f_zone_hint')),
    field(t('meetings.col_venue'), c.venue),
    field(t('meetings.col_online'), c.online_url),
    field(t('meetings.agenda'), c.agenda, t('meetings.f_agenda_hint')),
    field(t('meetings.participants'), c.participants, t('meetings.f_participants_hint')),
    field(t('meetings.minutes'), c.minutes),
    marking.tlp,
    marking.group,
    marking.recipients,
    h('p', { class: 'actions' }, h('button', { type: 'submit' }, t('meetings.save'))),
    status,
  );
  view.append(form);
  const recipients = () =>
    c.recipients.value
      .split(/[\s,;،؛，、；]+/)
      .map((s) => s.trim())
      .filter(Boolean);
  validateWith(form, () => {
    const out = [];
    if (!c.title.value.trim()) out.push(['title', t('meetings.problem_title')]);
    if (!c.starts_at.value.trim()) out.push(['starts_at', t('meetings.problem_starts')]);
    if (!c.ends_at.value.trim()) out.push(['ends_at', t('meetings.problem_ends')]);
    if (c.tlp.value === 'AMBER' && !c.sharing_group.value)
      out.push(['sharing_group', t('incident_form.problem_amber_group')]);
    return out;
  });
  onSubmit(
    form,
    async (key) => {
      const b = {
        title: c.title.value.trim(),
        kind: c.kind.value,
        status: c.status.value,
        starts_at: wallClock(c.starts_at.value),
        ends_at: wallClock(c.ends_at.value),
        time_zone: c.time_zone.value.trim(),
        agenda: agendaOf(c.agenda.value),
        participants: participantsOf(c.participants.value),
        minutes: c.minutes.value,
        tlp: c.tlp.value,
      };
      if (c.venue.value.trim()) b.venue = c.venue.value.trim();
      if (c.online_url.value.trim()) b.online_url = c.online_url.value.trim();
      if (c.tlp.value === 'AMBER') b.sharing_group = Number(c.sharing_group.value);
      if (c.tlp.value === 'RED') b.recipients = recipients();
      const saved = await api('POST', '/api/v1/meetings', b, { idempotencyKey: key });
      setFlash(t('meetings.saved'));
      location.hash = meetingHref(saved.id);
    },
    status,
  );
}

export async function renderDecision(view, [id]) {
  view.append(loading(t('meetings.loading_decision')));
  let d;
  try {
    d = await api('GET', `/api/v1/decisions/${encodeURIComponent(id)}`);
  } catch (e) {
    if (view.isConnected) fill(view, pageHeader(t('meetings.decision')), errorNote(e));
    return;
  }
  if (!view.isConnected) return;
  const commitments = d.commitments || [];
  fill(
    view,
    pageHeader(d.title || d.id),
    h('div', { class: 'badges' }, tlpBadge(d.tlp)),
    facts([
      [t('meetings.decided_at'), readerTime(d.decided_at)],
      [
        t('meetings.decided_at_meeting'),
        d.meeting ? h('a', { href: meetingHref(d.meeting) }, t('meetings.open_meeting')) : '',
      ],
      [
        t('meetings.decided_by_proposal'),
        d.proposal
          ? h(
              'a',
              { href: `#/proposals/${encodeURIComponent(d.proposal)}` },
              t('meetings.open_proposal'),
            )
          : '',
      ],
      [t('meetings.col_owner'), h('span', { dir: 'ltr' }, d.owner)],
    ]),
    d.text ? h('article', { class: 'card decision-text', dir: 'auto' }, blocks(d.text)) : null,
    h(
      'section',
      null,
      h('h2', null, t('meetings.commitments')),
      commitments.length
        ? h(
            'ul',
            null,
            commitments.map((c) =>
              h(
                'li',
                null,
                h('a', { href: `#/commitments/${encodeURIComponent(c.id)}`, dir: 'auto' }, c.title),
              ),
            ),
          )
        : h('p', { class: 'empty' }, t('meetings.no_commitments')),
    ),
  );
}
