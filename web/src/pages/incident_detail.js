// #/incidents/ID: one incident with every field, its state in the workflow and the actions the
// reader may take in that state (the server decides again): the reporter's organization edits
// and submits a draft or a returned report; an endorser of the mission, not its reporter,
// endorses or returns a submitted one (with a reason). Below: the linked casualty records with
// their CASEVAC timelines, the history of revisions, and the likely duplicates, which an
// endorser can merge into this report. Ids, usernames and coordinates read left to right in an
// Arabic page too.
import { api, listAll } from '../api.js';
import { fill, h } from '../dom.js';
import { statusLine } from '../forms.js';
import { LTR, num, t } from '../i18n.js';
import { casevacSection } from '../incidents/casevac.js';
import { embargoState, releaseButton } from '../incidents/casualty_actions.js';
import { returnFormFor } from '../incidents/workflow.js';
import {
  facts,
  fmtCoord,
  getTaxonomy,
  incidentHref,
  placeNode,
  placeText,
  statusBadge,
  takeFlash,
  tlpBadge,
  utc,
  word,
} from '../incidents/common.js';
import { can, session } from '../state.js';
import { errorNote, loading, pageHeader, slot, table, withElements } from '../ui.js';

const base = (id) => `/api/v1/incidents/${encodeURIComponent(id)}`;

// A username or a code inside a sentence, kept left to right.
const ltrName = (text) => h('bdi', LTR, text);

export function renderIncidentDetail(view, [id]) {
  const status = statusLine();
  const flash = takeFlash();
  if (flash) status.textContent = flash;
  const body = h('div', null, loading(t('incident_detail.loading_report')));
  view.append(pageHeader(t('incident_detail.title')), status, body);

  async function load() {
    try {
      const [i, tax] = await Promise.all([api('GET', base(id)), getTaxonomy().catch(() => null)]);
      if (!view.isConnected) return;
      draw(i, tax);
    } catch (err) {
      fill(
        body,
        errorNote(err),
        h('p', null, h('a', { href: '#/incidents' }, t('incident_detail.back_to_map'))),
      );
    }
  }

  function draw(i, tax) {
    const typeLabel = tax ? tax.typeLabel(i.threat_type) : word(i.threat_type);
    const typeInfo = tax && tax.types.find((x) => x.code === i.threat_type);
    const groupName = (code) => {
      const g = tax && tax.groups.find(([c]) => c === code);
      return g ? g[1] : code;
    };
    const heading = view.querySelector('h1');
    heading.textContent = t('incident_detail.heading', { type: typeLabel, mission: i.mission });
    document.title = t('incident_detail.document_title', { heading: heading.textContent });

    const header = h(
      'div',
      { class: 'incident-head' },
      statusBadge(i.status),
      tlpBadge(i.tlp),
      i.synthetic
        ? h('span', { class: 'badge badge-synthetic' }, t('incident_detail.synthetic'))
        : null,
      h('span', { class: 'muted' }, utc(i.occurred_at, i.occurred_precision), ' · ', placeNode(i)),
      typeof i.latitude === 'number'
        ? h(
            'a',
            { href: `#/incidents?at=9/${i.latitude.toFixed(4)}/${i.longitude.toFixed(4)}` },
            t('incident_detail.show_on_map'),
          )
        : null,
    );
    const notes = [];
    if (i.status === 'returned' && i.return_reason)
      notes.push(
        h(
          'div',
          { class: 'alert alert-info', role: 'note' },
          // The label is bold, the reason the endorser's own words.
          h('strong', null, t('incident_detail.returned_label')),
          ' ',
          i.return_reason,
        ),
      );
    if (i.status === 'merged' && i.merged_into)
      notes.push(
        h(
          'p',
          { class: 'alert alert-info' },
          // The link's words are a message of their own: an element inside a sentence.
          withElements(
            t('incident_detail.merged_into', { link: slot(0) }),
            h('a', { href: incidentHref(i.merged_into) }, t('incident_detail.another_report')),
          ),
        ),
      );

    const groups = (i.perpetrator_groups || []).map(groupName).join(', ');
    // Each count in bold inside its words ("3 killed"): the number is an element in the message.
    const countWords = {
      killed: (n) => t('incident_detail.count_killed', { n, count: slot(0) }),
      injured: (n) => t('incident_detail.count_injured', { n, count: slot(0) }),
      missing: (n) => t('incident_detail.count_missing', { n, count: slot(0) }),
      abducted: (n) => t('incident_detail.count_abducted', { n, count: slot(0) }),
    };
    const counts = h(
      'ul',
      { class: 'counts' },
      ['killed', 'injured', 'missing', 'abducted'].map((k) => {
        const n = Number(i[k] || 0);
        return h(
          'li',
          null,
          withElements(countWords[k](n), h('span', { class: 'count-n' }, num(n))),
        );
      }),
    );
    fill(
      body,
      header,
      notes,
      actions(i),
      h(
        'div',
        { class: 'split' },
        h(
          'section',
          { class: 'card', 'aria-labelledby': 'what' },
          h('h2', { id: 'what' }, t('incident_detail.what_happened')),
          facts([
            [
              t('incident_detail.threat_type'),
              typeInfo && typeInfo.description
                ? t('incident_detail.type_described', {
                    type: typeLabel,
                    description: typeInfo.description,
                  })
                : typeLabel,
            ],
            [t('incident_detail.target'), word(i.target)],
            [t('incident_detail.activity'), word(i.activity)],
            [t('incident_detail.perpetrator'), i.perpetrator],
            [t('incident_detail.known_groups'), groups],
            [t('incident_detail.casualties'), counts],
          ]),
        ),
        h(
          'section',
          { class: 'card', 'aria-labelledby': 'where' },
          h('h2', { id: 'where' }, t('incident_detail.when_and_where')),
          facts([
            [
              t('incident_detail.occurred'),
              t('incident_detail.with_precision', {
                value: utc(i.occurred_at),
                precision: word(i.occurred_precision),
              }),
            ],
            [t('incident_detail.reported'), utc(i.reported_at)],
            [t('incident_detail.mission'), i.mission],
            [t('incident_detail.place'), i.place_name],
            [t('incident_detail.admin2'), i.admin2],
            [t('incident_detail.admin1'), i.admin1],
            [
              t('incident_detail.coordinates'),
              withElements(
                t('incident_detail.with_precision', {
                  value: slot(0),
                  precision: word(i.location_precision),
                }),
                ltrName(`${fmtCoord(i.latitude)}, ${fmtCoord(i.longitude)}`),
              ),
            ],
          ]),
        ),
      ),
      h(
        'section',
        { class: 'card', 'aria-labelledby': 'narr' },
        h('h2', { id: 'narr' }, t('incident_detail.narrative')),
        i.narrative
          ? h('p', { class: 'narrative' }, i.narrative)
          : h('p', { class: 'empty' }, t('incident_detail.no_narrative')),
        h('h3', null, t('incident_detail.sources')),
        (i.sources || []).length
          ? h(
              'ul',
              { class: 'plain' },
              i.sources.map((x) => h('li', null, x)),
            )
          : h('p', { class: 'empty' }, t('incident_detail.no_sources')),
      ),
      h(
        'section',
        { class: 'card', 'aria-labelledby': 'rec' },
        h('h2', { id: 'rec' }, t('incident_detail.record')),
        facts([
          [t('incident_detail.identifier'), h('span', { class: 'code', dir: 'ltr' }, i.id)],
          [t('incident_detail.status'), statusBadge(i.status)],
          [t('incident_detail.marking'), tlpBadge(i.tlp)],
          [
            t('incident_detail.sharing_group'),
            i.sharing_group != null ? String(i.sharing_group) : '',
          ],
          [t('incident_detail.reporting_org'), i.owner ? ltrName(i.owner) : ''],
          [t('incident_detail.reporter'), i.reporter ? ltrName(i.reporter) : ''],
          [
            t('incident_detail.endorsed'),
            i.endorsed_at
              ? withElements(
                  t('incident_detail.endorsed_by', { time: utc(i.endorsed_at), name: slot(0) }),
                  ltrName(i.endorsed_by || '?'),
                )
              : '',
          ],
          [
            t('incident_detail.source'),
            i.source_ref
              ? withElements(
                  t('incident_detail.source_with_ref', { source: word(i.source), ref: slot(0) }),
                  ltrName(i.source_ref),
                )
              : word(i.source),
          ],
          [t('incident_detail.revision'), i.revision != null ? String(i.revision) : ''],
          [t('incident_detail.created'), utc(i.created_at)],
          [t('incident_detail.last_changed'), utc(i.updated_at)],
        ]),
      ),
      casualtiesSection(i),
      revisionsSection(i),
      duplicatesSection(i, tax),
      lessonsSection(i),
    );
  }

  // The buttons for this state and this reader.
  function actions(i) {
    const me = (session.user && session.user.username) || '';
    const org = (session.user && session.user.org) || '';
    const mine = i.reporter === me;
    const editable =
      can('record.write') &&
      (i.status === 'draft' || i.status === 'returned') &&
      (mine || i.owner === org);
    // As the server rules: an endorser assigned to the report's mission.
    const endorser = can('record.endorse') && (session.missions || []).indexOf(i.mission) >= 0;
    const box = h('div', { class: 'workflow' });
    const problem = h('div', null);
    const buttons = h('div', { class: 'actions' });

    const post = async (button, path, bodyJson, done) => {
      button.disabled = true;
      fill(problem);
      status.textContent = '';
      try {
        await api('POST', `${base(i.id)}/${path}`, bodyJson);
        status.textContent = done;
        load();
      } catch (err) {
        button.disabled = false;
        fill(problem, errorNote(err));
      }
    };

    if (editable) {
      buttons.append(
        h('a', { class: 'button', href: `${incidentHref(i.id)}/edit` }, t('incident_detail.edit')),
        h(
          'button',
          {
            type: 'button',
            class: 'primary',
            onclick: (ev) => post(ev.target, 'submit', undefined, t('incident_detail.submitted')),
          },
          t('incident_detail.submit'),
        ),
      );
    }
    if (i.status === 'submitted' && endorser && mine)
      box.append(
        h('p', { class: 'muted' }, t('incident_detail.own_report', { mission: i.mission })),
      );
    let returnForm = null;
    if (i.status === 'submitted' && endorser && !mine) {
      buttons.append(
        h(
          'button',
          {
            type: 'button',
            class: 'primary',
            onclick: (ev) =>
              post(ev.target, 'endorse', undefined, t('incident_detail.endorsed_done')),
          },
          t('incident_detail.endorse'),
        ),
        h(
          'button',
          {
            type: 'button',
            'aria-expanded': 'false',
            onclick: (ev) => {
              const open = returnForm.hidden;
              returnForm.hidden = !open;
              ev.target.setAttribute('aria-expanded', open ? 'true' : 'false');
              if (open) returnForm.querySelector('textarea').focus();
            },
          },
          t('incident_detail.return'),
        ),
      );
      returnForm = returnFormFor(i, () => {
        status.textContent = t('incident_detail.returned_done');
        load();
      });
      returnForm.hidden = true;
    }
    if (!buttons.children.length && !box.children.length) return null;
    box.prepend(buttons);
    box.append(problem);
    if (returnForm) box.append(returnForm);
    return h(
      'section',
      { class: 'card workflow-card', 'aria-label': t('incident_detail.actions') },
      box,
    );
  }

  load();
}

// The casualty records linked to this incident: each with its marking and embargo state,
// Release for those the server would let release it, and its CASEVAC timeline; and, for
// those who write records, "Add a casualty record" with this incident filled in. The record
// just added (#/incidents/ID?casualty=CID, where the form comes back to) is scrolled to with its
// timeline open: the CASEVAC times are usually entered right after the record.
function casualtiesSection(i) {
  const recs = i.casualty_records || [];
  const added = new URLSearchParams(location.hash.split('?')[1] || '').get('casualty');
  const status = statusLine();
  const problem = h('div', null);
  const item = (c) => {
    const head = h('div', { class: 'casualty-state actions' });
    const draw = (r) =>
      fill(
        head,
        embargoState(r),
        releaseButton(
          r,
          (released) => {
            status.textContent = t('casualties.released_status', { id: released.casualty_id });
            fill(problem);
            draw(released);
          },
          (err) => {
            status.textContent = '';
            fill(problem, errorNote(err));
          },
        ),
      );
    draw(c);
    const timeline = casevacSection(c);
    const el = h('div', { class: 'casualty-item', 'data-casualty': c.id }, head, timeline);
    if (c.id === added) {
      timeline.open = true;
      requestAnimationFrame(() => {
        if (el.isConnected) el.scrollIntoView({ block: 'start' });
      });
    }
    return el;
  };
  return h(
    'section',
    { class: 'card', 'aria-labelledby': 'cas' },
    h('h2', { id: 'cas' }, t('incident_detail.casualty_records')),
    can('record.write')
      ? h(
          'p',
          { class: 'actions' },
          h(
            'a',
            { class: 'button', href: `#/casualties/new?incident=${encodeURIComponent(i.id)}` },
            t('incident_detail.add_casualty'),
          ),
        )
      : null,
    status,
    problem,
    recs.length
      ? [h('p', { class: 'muted' }, t('incident_detail.rule_10_1_2')), recs.map(item)]
      : h('p', { class: 'empty' }, t('incident_detail.no_casualty_records')),
  );
}

// Every revision, newest first: who changed what, when.
function revisionsSection(i) {
  const box = h('div', null, loading(t('incident_detail.loading_history')));
  listAll(`${base(i.id)}/revisions`, 100).then(
    (items) => {
      // Each revision holds the whole record after it: what changed is the difference from
      // the one before.
      const ordered = items.slice().sort((a, b) => (a.revision || 0) - (b.revision || 0));
      let prev = null;
      for (const r of ordered) {
        if (prev && prev.snapshot && r.snapshot && !r.changed)
          r.changed = Object.keys(r.snapshot).filter(
            (k) =>
              !QUIET.has(k) && JSON.stringify(r.snapshot[k]) !== JSON.stringify(prev.snapshot[k]),
          );
        prev = r;
      }
      const list = ordered.reverse();
      fill(
        box,
        table(
          t('incident_detail.revisions'),
          [
            t('incident_detail.col_revision'),
            t('incident_detail.col_when'),
            t('incident_detail.col_who'),
            t('incident_detail.col_what'),
          ],
          list.map((r) => {
            const who = r.actor && (r.actor.username || r.actor);
            return [
              String(r.revision ?? '—'),
              h('span', { class: 'nowrap' }, utc(r.at)),
              who ? ltrName(who) : '—',
              revisionWhat(r),
            ];
          }),
          t('incident_detail.no_revisions'),
        ),
      );
    },
    (err) => fill(box, errorNote(err)),
  );
  return h(
    'section',
    { class: 'card', 'aria-labelledby': 'revs' },
    h('h2', { id: 'revs' }, t('incident_detail.history')),
    box,
  );
}

// The library's documents related to this incident (issue 16): linked to it, or sharing its
// threat type or mission; hidden while there are none (or the library cannot answer).
function lessonsSection(i) {
  const list = h('ul', { class: 'library-lessons' });
  const box = h(
    'section',
    { class: 'card', 'aria-labelledby': 'lessons', hidden: true },
    h('h2', { id: 'lessons' }, t('library.lessons_title')),
    list,
  );
  // The library's words for its codes (literal ids: the catalog check reads them).
  const kinds = {
    case_study: t('library.kind_case_study'),
    lesson: t('library.kind_lesson'),
    best_practice: t('library.kind_best_practice'),
    aar: t('library.kind_aar'),
  };
  const reasons = {
    linked: t('library.related_reason_linked'),
    threat: t('library.related_reason_threat'),
    mission: t('library.related_reason_mission'),
    activity: t('library.related_reason_activity'),
    a4p: t('library.related_reason_a4p'),
    keyword: t('library.related_reason_keyword'),
  };
  api('GET', `/api/v1/library/related?incident=${encodeURIComponent(i.id)}&limit=5`).then(
    (r) => {
      const items = (r && r.items) || [];
      for (const d of items)
        list.append(
          h(
            'li',
            null,
            h('a', { href: `#/library/${encodeURIComponent(d.id)}`, dir: 'auto' }, d.title || d.id),
            ' ',
            h('span', { class: 'badge library-kind' }, kinds[d.kind] || word(d.kind)),
            (d.reason || []).length
              ? [
                  ' ',
                  h(
                    'span',
                    { class: 'muted' },
                    d.reason.map((x) => reasons[x] || word(x)).join(' · '),
                  ),
                ]
              : null,
          ),
        );
      box.hidden = !items.length;
    },
    () => {},
  );
  return box;
}

// Keys that change with every revision or follow from the action itself.
const QUIET = new Set([
  'revision',
  'updated_at',
  'status',
  'return_reason',
  'endorsed_by',
  'endorsed_at',
  'merged_into',
  'casualty_records',
  'duplicate_candidates',
]);

// "Submit", "Return: the grid reference is wrong", "Update: narrative, sources" (the API's
// field names, as the server writes them).
function revisionWhat(r) {
  const what = word(r.action);
  const changed = Array.isArray(r.changed) ? r.changed : Array.isArray(r.fields) ? r.fields : [];
  if (r.reason) return t('incident_detail.revision_detail', { action: what, detail: r.reason });
  if (changed.length)
    return t('incident_detail.revision_detail', { action: what, detail: changed.join(', ') });
  return what;
}

// Reports that look like this one (same mission and threat type, a few km and hours apart).
// An endorser may merge one into this report: it then points here and leaves the map.
function duplicatesSection(i, tax) {
  const box = h('div', null, loading(t('incident_detail.loading_duplicates')));
  const status = statusLine();
  const problem = h('div', null);
  const mayMerge = can('record.endorse') && i.status !== 'merged' && i.status !== 'draft';
  const typeLabel = (c) => (tax ? tax.typeLabel(c) : word(c));
  const load = () =>
    api('GET', `${base(i.id)}/duplicates`).then(
      (data) => {
        const list = Array.isArray(data) ? data : (data && data.items) || [];
        fill(
          box,
          table(
            t('incident_detail.duplicates'),
            [
              t('incident_detail.col_report'),
              t('incident_detail.col_when'),
              t('incident_detail.col_where'),
              t('incident_detail.col_distance'),
              t('incident_detail.col_status'),
              '',
            ],
            list.map((d) => [
              h('a', { href: incidentHref(d.id) }, typeLabel(d.threat_type)),
              h('span', { class: 'nowrap' }, utc(d.occurred_at, d.occurred_precision)),
              placeNode(d),
              d.distance_km != null
                ? h(
                    'bdi',
                    null,
                    t('incident_detail.distance_km', {
                      // One decimal, as before ("3.0 km"), in the reader's digits.
                      km: num(Number(d.distance_km), {
                        minimumFractionDigits: 1,
                        maximumFractionDigits: 1,
                      }),
                    }),
                  )
                : '—',
              statusBadge(d.status),
              mayMerge && d.status !== 'merged' && d.status !== 'draft'
                ? h(
                    'button',
                    {
                      type: 'button',
                      class: 'small',
                      onclick: (ev) => merge(d, ev.target),
                    },
                    t('incident_detail.merge'),
                  )
                : '',
            ]),
            t('incident_detail.no_duplicates'),
          ),
        );
      },
      (err) => fill(box, errorNote(err)),
    );
  async function merge(d, button) {
    if (!window.confirm(t('incident_detail.merge_confirm'))) return;
    button.disabled = true;
    status.textContent = '';
    fill(problem);
    try {
      await api('POST', `${base(d.id)}/merge`, { into: i.id });
      status.textContent = t('incident_detail.merged_done');
      load();
    } catch (err) {
      button.disabled = false;
      fill(problem, errorNote(err));
    }
  }
  load();
  return h(
    'section',
    { class: 'card', 'aria-labelledby': 'dups' },
    h('h2', { id: 'dups' }, t('incident_detail.duplicates')),
    status,
    problem,
    box,
  );
}
