// Admin: organizations. The directory as a table and a form to add one (POST /api/v1/orgs).
import { api } from '../api.js';
import { byKindThenName, getOrgs } from '../data.js';
import { fill, h, newId } from '../dom.js';
import { field, fieldset, formAlert, input, onSubmit, select, statusLine } from '../forms.js';
import { KINDS, ORG_ROLES, STANDINGS } from '../labels.js';
import { errorNote, loading, ORG_HEADERS, orgRows, pageHeader, table } from '../ui.js';

export function renderAdminOrgs(view) {
  const listBox = h('div', null, loading('organizations'));
  const status = statusLine();
  view.append(
    pageHeader(
      'Organizations',
      'Add member states, regional organizations, UN entities and missions to the directory.',
    ),
    h(
      'section',
      { class: 'card', 'aria-labelledby': 'org-add' },
      h('h2', { id: 'org-add' }, 'Add an organization'),
      addForm(listBox, status),
    ),
    status,
    h(
      'section',
      { 'aria-labelledby': 'org-list' },
      h('h2', { id: 'org-list' }, 'All organizations'),
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
          'Organizations',
          ORG_HEADERS,
          orgRows(orgs.slice().sort(byKindThenName)),
          'No organizations yet.',
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
      field('Code', code, 'ISO3 for states (CHN), an acronym otherwise (LAS, DPO, MINUSCA).'),
      field('Name', name),
      field('Kind', kind),
      field('Standing in the group', standing),
      field('Joined', joined, 'The date it joined the group, if it did.'),
    ),
    fieldset('Contributor roles', 'roles', h('div', { class: 'checks' }, roleBoxes)),
    h('button', { type: 'submit', class: 'primary' }, 'Add organization'),
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
      status.textContent = `Added ${(created && created.code) || body.code} (${(created && created.name) || body.name}).`;
    },
    status,
  );
  return form;
}
