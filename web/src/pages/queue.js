// #/queue: the endorsement queue. The submitted reports of the missions the signed-in endorser
// works for (GET /api/v1/session's "missions"), oldest first, each with Endorse and Return
// (which asks for the reason). A report of one's own is listed without the actions: another
// endorser of the mission decides on it, as the server requires.
import { api, listAll } from '../api.js';
import { fill, h } from '../dom.js';
import {
  casualtyText,
  getTaxonomy,
  incidentHref,
  placeNode,
  placeText,
  query,
  syntheticBadge,
  utc,
  word,
} from '../incidents/common.js';
import { t } from '../i18n.js';
import { returnFormFor } from '../incidents/workflow.js';
import { session } from '../state.js';
import { errorNote, loading, pageHeader, table } from '../ui.js';

export function renderQueue(view) {
  const missions = (session.missions || []).slice().sort();
  const status = h('p', { class: 'status', role: 'status', 'aria-live': 'polite' });
  const problem = h('div', null);
  const box = h('div', null, loading(t('queue.loading')));
  const count = h('p', { class: 'count' });
  view.append(
    pageHeader(
      t('queue.title'),
      missions.length
        ? t('queue.intro_missions', { missions: missions.join(', ') })
        : t('queue.intro'),
    ),
    status,
    problem,
    count,
    box,
  );
  if (!missions.length) {
    fill(box, h('p', { class: 'alert alert-info' }, t('queue.no_missions')));
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
    count.textContent = items.length ? t('queue.count', { n: items.length }) : '';
    const typeLabel = (c) => (tax ? tax.typeLabel(c) : word(c));
    fill(
      box,
      table(
        t('queue.caption'),
        [
          t('queue.col_report'),
          t('queue.col_mission'),
          t('queue.col_occurred'),
          t('queue.col_where'),
          t('queue.col_casualties'),
          t('queue.col_reporter'),
          '',
        ],
        items.map((i) => {
          const title = t('queue.report_title', {
            type: typeLabel(i.threat_type),
            place: placeText(i),
          });
          const ret = returnFormFor(i, () => {
            items = items.filter((y) => y.id !== i.id);
            status.textContent = i.reporter
              ? t('queue.returned_to', { name: i.reporter, title })
              : t('queue.returned', { title });
            draw();
          });
          ret.hidden = true;
          const own = i.reporter === me;
          return {
            class: 'queue-row',
            cells: [
              // Demo data is marked wherever it is listed, so nobody endorses it for real.
              h(
                'span',
                null,
                h('a', { href: incidentHref(i.id) }, typeLabel(i.threat_type)),
                syntheticBadge(i) ? ' ' : null,
                syntheticBadge(i),
              ),
              i.mission,
              h('span', { class: 'nowrap' }, utc(i.occurred_at, i.occurred_precision)),
              placeNode(i),
              casualtyText(i),
              // A username and an organization code: left to right in an Arabic page too.
              h(
                'bdi',
                { dir: 'ltr' },
                t('queue.reporter_org', { name: i.reporter || '—', org: i.owner || '?' }),
              ),
              own
                ? h('span', { class: 'muted' }, t('queue.own_report'))
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
                          'aria-label': t('queue.endorse_label', { title }),
                          onclick: (ev) =>
                            act(i, ev.target, 'endorse', undefined, t('queue.endorsed', { title })),
                        },
                        t('queue.endorse'),
                      ),
                      h(
                        'button',
                        {
                          type: 'button',
                          class: 'small',
                          'aria-label': t('queue.return_label', { title }),
                          'aria-expanded': 'false',
                          onclick: (ev) => {
                            ret.hidden = !ret.hidden;
                            ev.target.setAttribute('aria-expanded', ret.hidden ? 'false' : 'true');
                            if (!ret.hidden) ret.querySelector('textarea').focus();
                          },
                        },
                        t('queue.return'),
                      ),
                    ),
                    ret,
                  ),
            ],
          };
        }),
        t('queue.empty'),
      ),
    );
  }

  load();
}
