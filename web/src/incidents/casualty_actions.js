// What the pages that show casualty records share: the UN fatalities vocabulary's codes and
// their words (the catalog's casualties.*), the record's marking and embargo state, and the
// release (POST /api/v1/casualties/{id}/release) with the rule of who may ask for it. The
// dashboard, the incident page and the casualty form use these, so that the rule the app
// follows to offer Release is written once.
import { api } from '../api.js';
import { h } from '../dom.js';
import { dateTime, has, t } from '../i18n.js';
import { session } from '../state.js';

// The vocabularies (codes, as the API takes and gives them), in the UN file's order.
export const CASUALTY_TYPES = ['Fatality', 'Injury', 'Missing', 'Abducted'];
export const PERSONNEL_TYPES = [
  'Military',
  'Military Observer',
  'Police',
  'International Civilian',
  'Local',
  'Other',
];
export const INCIDENT_TYPES = [
  'Malicious Act',
  'Accident',
  'Illness',
  'Self-Inflicted',
  'To Be Determined',
  'Unknown',
];
// M and F as the UN file writes them; U is "not recorded".
export const GENDERS = ['M', 'F', 'U'];

// "Self-Inflicted" → "self_inflicted": the code's part of its message id.
const slug = (code) =>
  String(code)
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_');

// The words for a code; one the catalog does not know (the server added it) is shown as it is.
export function casualtyTypeLabel(code) {
  const s = slug(code);
  return has(`casualties.casualty_type.${s}`) ? t(`casualties.casualty_type.${s}`) : code;
}
export function personnelTypeLabel(code) {
  const s = slug(code);
  return has(`casualties.personnel_type.${s}`) ? t(`casualties.personnel_type.${s}`) : code;
}
export function incidentTypeLabel(code) {
  const s = slug(code);
  return has(`casualties.type.${s}`) ? t(`casualties.type.${s}`) : code;
}
export function genderLabel(code) {
  if (code === 'M') return t('casualty_form.gender_m');
  if (code === 'F') return t('casualty_form.gender_f');
  if (code === 'U') return t('casualty_form.gender_u');
  return code || '—';
}

// "TLP:AMBER" (the API's form) or "AMBER" → "AMBER".
export const tlpOf = (c) => String(c.tlp || '').replace(/^TLP:/, '');

// As the server decides (casualty_release()): an embargoed record, and an admin, or a focal
// point or coordinator of the owning organization. The server checks again.
export function mayRelease(c) {
  const u = session.user || {};
  return Boolean(
    c.embargoed &&
    (u.role === 'admin' ||
      ((u.role === 'focal_point' || u.role === 'coordinator') && c.owner === u.org)),
  );
}

// The marking and the embargo state: the embargo stands out, a release is a quiet word with
// when and by whom in its tooltip.
export function embargoState(c) {
  const tlp = tlpOf(c);
  return h(
    'span',
    { class: 'state' },
    h(
      'span',
      { class: `tlp tlp-${tlp.toLowerCase().replace('+', '-')}`, dir: 'ltr' },
      // i18n-exempt: TLP markings are FIRST's codes, written the same in every language
      `TLP:${tlp}`,
    ),
    c.embargoed
      ? h('span', { class: 'badge badge-embargo' }, t('casualties.embargoed'))
      : h(
          'span',
          {
            class: 'released',
            title: c.released_at
              ? t('casualties.released_by', {
                  when: dateTime(c.released_at),
                  who: c.released_by || '?',
                })
              : null,
          },
          t('casualties.released'),
        ),
  );
}

// Asks the reader to confirm, then releases record `c`: resolves to the record as the server
// now has it, or null when the reader changed their mind. A refusal is thrown (ApiError).
export async function releaseRecord(c) {
  if (!window.confirm(t('casualties.release_confirm', { id: c.casualty_id, tlp: tlpOf(c) })))
    return null;
  return api('POST', `/api/v1/casualties/${encodeURIComponent(c.id)}/release`);
}

// The Release button for record `c` when the reader may release it, else null. `done(rec)`
// gets the released record; `failed(err)` a refusal. The button stays disabled while asking.
export function releaseButton(c, done, failed) {
  if (!mayRelease(c)) return null;
  return h(
    'button',
    {
      type: 'button',
      class: 'small primary',
      'aria-label': t('casualties.release_label', { id: c.casualty_id }),
      onclick: async (ev) => {
        const button = ev.currentTarget;
        button.disabled = true;
        try {
          const rec = await releaseRecord(c);
          if (rec) done(Object.assign({}, c, rec));
        } catch (err) {
          failed(err);
        } finally {
          button.disabled = false;
        }
      },
    },
    t('casualties.release'),
  );
}
