// #/queue: the endorsement queue. The submitted reports of the missions the signed-in endorser
// works for (GET /api/v1/session's "missions"), oldest first, each with Endorse and Return
// (which asks for the reason). A report of one's own is listed without the actions: another
// endorser of the mission decides on it, as the server requires.
import { api, listAll } from '../api.js';
import { fill, h } from '../dom.js';
import {
  casualtyText,
  fmt,
  getTaxonomy,
  incidentHref,
  placeText,
  query,
  utc,
  word,
} from '../incidents/common.js';
import { returnFormFor } from '../incidents/workflow.js';
import { session } from '../state.js';
import { errorNote, loading, pageHeader, table } from '../ui.js';

export function renderQueue(view) {
  const missions = (session.missions || []).slice().sort();
  const status = h('p', { class: 'status', role: 'status', 'aria-live': 'polite' });
  const problem = h('div', null);
  const box = h('div', null, loading('the queue'));
  const count = h('p', { class: 'count' });
  view.append(
    pageHeader(
      'Endorsement queue',
      missions.length
        ? `Reports submitted for ${missions.join(', ')}, waiting for an endorser. Endorse what is right; return what needs work, saying why.`
        : 'Reports submitted for endorsement in the missions you work for.',
    ),
    status,
    problem,
    count,
    box,
  );
  if (!missions.length) {
    fill(
      box,
      h(
        'p',
        { class: 'alert alert-info' },
        'You do not work for any mission yet, so no report waits for you. An administrator adds your missions (bluehelm user missions).',
      ),
    );
    return;
  }

  let items = [];
  let tax = null;
  const me = (session.user && session.user.username) || '';

  async function load() {
    try {
      // One list per mission: an endorser endorses the reports of their missions only.
      const lists = await Promise.all(
        missions.map((m) =>
          listAll(`/api/v1/incidents?${query({ status: 'submitted', mission: m })}`, 100),
        ),
      );
      tax = await getTaxonomy().catch(() => null);
      if (!view.isConnected) return;
      items = []
        .concat(...lists)
        .sort((a, b) =>
          String(a.reported_at || a.created_at).localeCompare(
            String(b.reported_at || b.created_at),
          ),
        );
      draw();
    } catch (err) {
      fill(box, errorNote(err));
    }
  }

  function act(i, button, path, body, done) {
    button.disabled = true;
    fill(problem);
    status.textContent = '';
    api('POST', `/api/v1/incidents/${encodeURIComponent(i.id)}/${path}`, body).then(
      () => {
        items = items.filter((y) => y.id !== i.id);
        status.textContent = done;
        draw();
      },
      (err) => {
        button.disabled = false;
        fill(problem, errorNote(err));
      },
    );
  }

  function draw() {
    count.textContent = items.length
      ? `${fmt(items.length)} report${items.length === 1 ? '' : 's'} waiting, oldest first.`
      : '';
    const typeLabel = (c) => (tax ? tax.typeLabel(c) : word(c));
    fill(
      box,
      table(
        'Reports waiting for endorsement',
        ['Report', 'Mission', 'Occurred', 'Where', 'Casualties', 'Reporter', ''],
        items.map((i) => {
          const title = `${typeLabel(i.threat_type)}, ${placeText(i)}`;
          const ret = returnFormFor(i, () => {
            items = items.filter((y) => y.id !== i.id);
            status.textContent = `Returned to ${i.reporter || 'the reporter'}: ${title}.`;
            draw();
          });
          ret.hidden = true;
          const own = i.reporter === me;
          return {
            class: 'queue-row',
            cells: [
              h('a', { href: incidentHref(i.id) }, typeLabel(i.threat_type)),
              i.mission,
              h('span', { class: 'nowrap' }, utc(i.occurred_at, i.occurred_precision)),
              placeText(i),
              casualtyText(i),
              `${i.reporter || '—'} (${i.owner || '?'})`,
              own
                ? h('span', { class: 'muted' }, 'Your own report')
                : h(
                    'div',
                    { class: 'row-actions' },
                    h(
                      'div',
                      { class: 'actions' },
                      h(
                        'button',
                        {
                          type: 'button',
                          class: 'small primary',
                          'aria-label': `Endorse ${title}`,
                          onclick: (ev) =>
                            act(i, ev.target, 'endorse', undefined, `Endorsed: ${title}.`),
                        },
                        'Endorse',
                      ),
                      h(
                        'button',
                        {
                          type: 'button',
                          class: 'small',
                          'aria-label': `Return ${title}`,
                          'aria-expanded': 'false',
                          onclick: (ev) => {
                            ret.hidden = !ret.hidden;
                            ev.target.setAttribute('aria-expanded', ret.hidden ? 'false' : 'true');
                            if (!ret.hidden) ret.querySelector('textarea').focus();
                          },
                        },
                        'Return…',
                      ),
                    ),
                    ret,
                  ),
            ],
          };
        }),
        'No report is waiting for endorsement.',
      ),
    );
  }

  load();
}
