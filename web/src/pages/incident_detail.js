// #/incidents/ID: one incident with every field, its state in the workflow and the actions the
// reader may take in that state (the server decides again): the reporter's organization edits
// and submits a draft or a returned report; an endorser of the mission, not its reporter,
// endorses or returns a submitted one (with a reason). Below: the linked casualty records with
// their CASEVAC timelines, the history of revisions, and the likely duplicates, which an
// endorser can merge into this report.
import { api, listAll } from '../api.js';
import { fill, h } from '../dom.js';
import { statusLine } from '../forms.js';
import { casevacSection } from '../incidents/casevac.js';
import { returnFormFor } from '../incidents/workflow.js';
import {
  facts,
  fmtCoord,
  getTaxonomy,
  incidentHref,
  placeText,
  statusBadge,
  takeFlash,
  tlpBadge,
  utc,
  word,
} from '../incidents/common.js';
import { can, session } from '../state.js';
import { errorNote, loading, pageHeader, table } from '../ui.js';

const base = (id) => `/api/v1/incidents/${encodeURIComponent(id)}`;

export function renderIncidentDetail(view, [id]) {
  const status = statusLine();
  const flash = takeFlash();
  if (flash) status.textContent = flash;
  const body = h('div', null, loading('the report'));
  view.append(pageHeader('Incident'), status, body);

  async function load() {
    try {
      const [i, tax] = await Promise.all([api('GET', base(id)), getTaxonomy().catch(() => null)]);
      if (!view.isConnected) return;
      draw(i, tax);
    } catch (err) {
      fill(body, errorNote(err), h('p', null, h('a', { href: '#/incidents' }, 'Back to the map')));
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
    heading.textContent = `${typeLabel}, ${i.mission}`;
    document.title = `${typeLabel}, ${i.mission} · Bluehelm`;

    const header = h(
      'div',
      { class: 'incident-head' },
      statusBadge(i.status),
      tlpBadge(i.tlp),
      i.synthetic ? h('span', { class: 'badge badge-synthetic' }, 'Synthetic (demo data)') : null,
      h(
        'span',
        { class: 'muted' },
        `${utc(i.occurred_at, i.occurred_precision)} · ${placeText(i)}`,
      ),
      typeof i.latitude === 'number'
        ? h(
            'a',
            { href: `#/incidents?at=9/${i.latitude.toFixed(4)}/${i.longitude.toFixed(4)}` },
            'Show on the map',
          )
        : null,
    );
    const notes = [];
    if (i.status === 'returned' && i.return_reason)
      notes.push(
        h(
          'div',
          { class: 'alert alert-info', role: 'note' },
          h('strong', null, 'Returned to the reporter: '),
          i.return_reason,
        ),
      );
    if (i.status === 'merged' && i.merged_into)
      notes.push(
        h(
          'p',
          { class: 'alert alert-info' },
          'This report was merged into ',
          h('a', { href: incidentHref(i.merged_into) }, 'another report'),
          '.',
        ),
      );

    const groups = (i.perpetrator_groups || []).map(groupName).join(', ');
    const counts = h(
      'ul',
      { class: 'counts' },
      ['killed', 'injured', 'missing', 'abducted'].map((k) =>
        h('li', null, h('span', { class: 'count-n' }, String(i[k] || 0)), ` ${k}`),
      ),
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
          h('h2', { id: 'what' }, 'What happened'),
          facts([
            [
              'Threat type',
              typeInfo && typeInfo.description
                ? `${typeLabel}: ${typeInfo.description}`
                : typeLabel,
            ],
            ['Target', word(i.target)],
            ['Activity at the time', word(i.activity)],
            ['Perpetrator', i.perpetrator],
            ['Known groups', groups],
            ['Casualties', counts],
          ]),
        ),
        h(
          'section',
          { class: 'card', 'aria-labelledby': 'where' },
          h('h2', { id: 'where' }, 'When and where'),
          facts([
            ['Occurred', `${utc(i.occurred_at)} (precision: ${word(i.occurred_precision)})`],
            ['Reported', utc(i.reported_at)],
            ['Mission', i.mission],
            ['Place', i.place_name],
            ['Admin 2 (district)', i.admin2],
            ['Admin 1 (region)', i.admin1],
            [
              'Coordinates',
              `${fmtCoord(i.latitude)}, ${fmtCoord(i.longitude)} (precision: ${word(i.location_precision)})`,
            ],
          ]),
        ),
      ),
      h(
        'section',
        { class: 'card', 'aria-labelledby': 'narr' },
        h('h2', { id: 'narr' }, 'Narrative'),
        i.narrative
          ? h('p', { class: 'narrative' }, i.narrative)
          : h('p', { class: 'empty' }, 'No narrative.'),
        h('h3', null, 'Sources'),
        (i.sources || []).length
          ? h(
              'ul',
              { class: 'plain' },
              i.sources.map((x) => h('li', null, x)),
            )
          : h('p', { class: 'empty' }, 'No sources given.'),
      ),
      h(
        'section',
        { class: 'card', 'aria-labelledby': 'rec' },
        h('h2', { id: 'rec' }, 'Record'),
        facts([
          ['Identifier', h('span', { class: 'code' }, i.id)],
          ['Status', statusBadge(i.status)],
          ['Marking', tlpBadge(i.tlp)],
          ['Sharing group', i.sharing_group != null ? String(i.sharing_group) : ''],
          ['Reporting organization', i.owner],
          ['Reporter', i.reporter],
          ['Endorsed', i.endorsed_at ? `${utc(i.endorsed_at)} by ${i.endorsed_by || '?'}` : ''],
          ['Source', i.source_ref ? `${word(i.source)} (${i.source_ref})` : word(i.source)],
          ['Revision', i.revision != null ? String(i.revision) : ''],
          ['Created', utc(i.created_at)],
          ['Last changed', utc(i.updated_at)],
        ]),
      ),
      casualtiesSection(i),
      revisionsSection(i),
      duplicatesSection(i, tax),
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
        h('a', { class: 'button', href: `${incidentHref(i.id)}/edit` }, 'Edit'),
        h(
          'button',
          {
            type: 'button',
            class: 'primary',
            onclick: (ev) =>
              post(ev.target, 'submit', undefined, 'Report submitted for endorsement.'),
          },
          'Submit for endorsement',
        ),
      );
    }
    if (i.status === 'submitted' && endorser && mine)
      box.append(
        h(
          'p',
          { class: 'muted' },
          `This is your own report: another endorser of ${i.mission} endorses it.`,
        ),
      );
    let returnForm = null;
    if (i.status === 'submitted' && endorser && !mine) {
      buttons.append(
        h(
          'button',
          {
            type: 'button',
            class: 'primary',
            onclick: (ev) => post(ev.target, 'endorse', undefined, 'Report endorsed.'),
          },
          'Endorse',
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
          'Return to the reporter…',
        ),
      );
      returnForm = returnFormFor(i, () => {
        status.textContent = 'Report returned to the reporter.';
        load();
      });
      returnForm.hidden = true;
    }
    if (!buttons.children.length && !box.children.length) return null;
    box.prepend(buttons);
    box.append(problem);
    if (returnForm) box.append(returnForm);
    return h('section', { class: 'card workflow-card', 'aria-label': 'Actions' }, box);
  }

  load();
}

// The casualty records linked to this incident, each with its CASEVAC timeline.
function casualtiesSection(i) {
  const recs = i.casualty_records || [];
  return h(
    'section',
    { class: 'card', 'aria-labelledby': 'cas' },
    h('h2', { id: 'cas' }, 'Casualty records and CASEVAC'),
    recs.length
      ? [
          h(
            'p',
            { class: 'muted' },
            'The 10-1-2 rule: first aid within 10 minutes of the injury, advanced care within 1 hour, surgery within 2 hours.',
          ),
          recs.map(casevacSection),
        ]
      : h('p', { class: 'empty' }, 'No casualty record is linked to this incident.'),
  );
}

// Every revision, newest first: who changed what, when.
function revisionsSection(i) {
  const box = h('div', null, loading('the history'));
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
          'Revisions',
          ['Revision', 'When', 'Who', 'What'],
          list.map((r) => [
            String(r.revision ?? '—'),
            h('span', { class: 'nowrap' }, utc(r.at)),
            (r.actor && (r.actor.username || r.actor)) || '—',
            revisionWhat(r),
          ]),
          'No revision recorded.',
        ),
      );
    },
    (err) => fill(box, errorNote(err)),
  );
  return h(
    'section',
    { class: 'card', 'aria-labelledby': 'revs' },
    h('h2', { id: 'revs' }, 'History'),
    box,
  );
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

// "Submit", "Return: the grid reference is wrong", "Update: narrative, sources".
function revisionWhat(r) {
  const what = word(r.action);
  const changed = Array.isArray(r.changed) ? r.changed : Array.isArray(r.fields) ? r.fields : [];
  if (r.reason) return `${what}: ${r.reason}`;
  if (changed.length) return `${what}: ${changed.join(', ')}`;
  return what;
}

// Reports that look like this one (same mission and threat type, a few km and hours apart).
// An endorser may merge one into this report: it then points here and leaves the map.
function duplicatesSection(i, tax) {
  const box = h('div', null, loading('likely duplicates'));
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
            'Likely duplicates',
            ['Report', 'When', 'Where', 'Distance', 'Status', ''],
            list.map((d) => [
              h('a', { href: incidentHref(d.id) }, typeLabel(d.threat_type)),
              h('span', { class: 'nowrap' }, utc(d.occurred_at, d.occurred_precision)),
              placeText(d),
              d.distance_km != null ? `${Number(d.distance_km).toFixed(1)} km` : '—',
              statusBadge(d.status),
              mayMerge && d.status !== 'merged' && d.status !== 'draft'
                ? h(
                    'button',
                    {
                      type: 'button',
                      class: 'small',
                      onclick: (ev) => merge(d, ev.target),
                    },
                    'Merge into this report',
                  )
                : '',
            ]),
            'No likely duplicate.',
          ),
        );
      },
      (err) => fill(box, errorNote(err)),
    );
  async function merge(d, button) {
    if (!window.confirm('Merge that report into this one? It will point here and leave the map.'))
      return;
    button.disabled = true;
    status.textContent = '';
    fill(problem);
    try {
      await api('POST', `${base(d.id)}/merge`, { into: i.id });
      status.textContent = 'Merged into this report.';
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
    h('h2', { id: 'dups' }, 'Likely duplicates'),
    status,
    problem,
    box,
  );
}
