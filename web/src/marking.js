// The marking part of a record's form (an incident report, an alert): the TLP select's hint,
// and the sharing group and RED recipients fields, each shown only for the marking that uses
// it. One place, so the forms agree on when a group or recipients are asked for.
import { field } from './forms.js';
import { h } from './dom.js';
import { t } from './i18n.js';
import { tlpHint } from './incidents/common.js';

// `c` holds the controls tlp, sharing_group and recipients; returns the fields to place,
// {tlp, group, recipients}, kept in step with the chosen marking.
export function markingFields(c) {
  const hint = h('span', null);
  const group = field(
    t('incident_form.sharing_group'),
    c.sharing_group,
    t('incident_form.sharing_group_hint'),
  );
  const recipients = field(
    t('incident_form.recipients'),
    c.recipients,
    t('incident_form.recipients_hint'),
  );
  const follow = () => {
    hint.textContent = tlpHint(c.tlp.value);
    group.hidden = c.tlp.value !== 'AMBER';
    recipients.hidden = c.tlp.value !== 'RED';
  };
  c.tlp.addEventListener('change', follow);
  follow();
  return { tlp: field(t('incident_form.marking'), c.tlp, hint), group, recipients };
}
