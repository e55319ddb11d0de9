// The workflow's one form shared by the detail page and the queue: returning a report to its
// reporter, with the reason they need to fix it.
import { api } from '../api.js';
import { h, newId } from '../dom.js';
import { field, formAlert, onSubmit } from '../forms.js';
import { t } from '../i18n.js';
import { clientProblem } from './common.js';

// The reason and the button for returning a report; `done()` after the server took it.
export function returnFormFor(i, done) {
  const reason = h('textarea', {
    name: 'reason',
    rows: 3,
    maxlength: 2000,
    required: true,
    id: newId('reason'),
  });
  const form = h(
    'form',
    { novalidate: true, class: 'return-form' },
    formAlert(),
    field(t('workflow.return_reason'), reason),
    h('button', { type: 'submit', class: 'danger' }, t('workflow.return_submit')),
  );
  onSubmit(form, async () => {
    const text = reason.value.trim();
    // A whole sentence: the form's sentence() leaves a capitalized, stopped message as it is.
    if (!text) throw clientProblem('reason', t('workflow.reason_required'));
    await api('POST', `/api/v1/incidents/${encodeURIComponent(i.id)}/return`, { reason: text });
    done();
  });
  return form;
}
