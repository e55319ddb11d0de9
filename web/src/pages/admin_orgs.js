// Admin: organizations. The directory as a table and a form to add one (POST /api/v1/orgs).
import { api } from '../api.js';
import { byKindThenName, getOrgs } from '../data.js';
import { fill, h, newId } from '../dom.js';
import { field, fieldset, formAlert, input, onSubmit, select, statusLine } from '../forms.js';
import { t } from '../i18n.js';
import { KINDS, ORG_ROLES, STANDINGS } from '../labels.js';
import { errorNote, loading, orgHeaders, orgRows, pageHeader, table } from '../ui.js';

export function renderAdminOrgs(view) {
  const listBox = h('div', null, loading(t('admin_orgs.loading')));
  const status = statusLine();
  view.append(
    pageHeader(t('admin_orgs.title'), t('admin_orgs.intro')),
    h(
      'section',
      { class: 'card', 'aria-labelledby': 'org-add' },
      h('h2', { id: 'org-add' }, t('admin_orgs.add_heading')),
      addForm(listBox, status),
    ),
    status,
    h(
      'section',
      { 'aria-labelledby': 'org-list' },
      h('h2', { id: 'org-list' }, t('admin_orgs.list_heading')),
      listBox,
    ),
  );
  load(listBox, false);
}

function load(listBox, force) {
  return getOrgs(force).then(
    (orgs) =>
      fill(
        listBox,
        table(
          t('admin_orgs.title'),
          orgHeaders(),
          orgRows(orgs.slice().sort(byKindThenName)),
          t('admin_orgs.empty'),
        ),
      ),
    (err) => fill(listBox, errorNote(err)),
  );
}

function addForm(listBox, status) {
  const code = input('code', {
    required: true,
    maxlength: 31,
    autocomplete: 'off',
    autocapitalize: 'characters',
    spellcheck: 'false',
    class: 'short',
    dir: 'ltr',
  });
  const name = input('name', { required: true, maxlength: 159, autocomplete: 'off' });
  const kind = select(
    'kind',
    Object.keys(KINDS).map((k) => [k, KINDS[k]]),
    'member_state',
  );
  const standing = select(
    'standing',
    Object.keys(STANDINGS).map((k) => [k, STANDINGS[k]]),
    'member',
  );
  const joined = input('joined', { type: 'date' });
  const roleBoxes = Object.keys(ORG_ROLES).map((r) => {
    const id = newId('role');
    return h(
      'div',
      { class: 'check' },
      h('input', { type: 'checkbox', name: 'roles', value: r, id }),
      h('label', { for: id }, ORG_ROLES[r][1]),
    );
  });
  const form = h(
    'form',
    { novalidate: true },
    formAlert(),
    h(
      'div',
      { class: 'grid' },
      field(t('admin_orgs.code'), code, t('admin_orgs.code_hint')),
      field(t('admin_orgs.name'), name),
      field(t('admin_orgs.kind'), kind),
      field(t('admin_orgs.standing'), standing),
      field(t('admin_orgs.joined'), joined, t('admin_orgs.joined_hint')),
    ),
    fieldset(t('admin_orgs.roles'), 'roles', h('div', { class: 'checks' }, roleBoxes)),
    h('button', { type: 'submit', class: 'primary' }, t('admin_orgs.add')),
  );
  onSubmit(
    form,
    async (key) => {
      const body = {
        code: code.value.trim().toUpperCase(),
        name: name.value.trim(),
        kind: kind.value,
        standing: standing.value,
        roles: Array.from(form.querySelectorAll('input[name=roles]:checked'), (b) => b.value),
      };
      if (joined.value) body.joined = joined.value;
      const created = await api('POST', '/api/v1/orgs', body, { idempotencyKey: key });
      form.reset();
      await load(listBox, true);
      status.textContent = t('admin_orgs.added', {
        code: (created && created.code) || body.code,
        name: (created && created.name) || body.name,
      });
    },
    status,
  );
  return form;
}
