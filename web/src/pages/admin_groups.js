// Admin: sharing groups, the distributions of TLP:AMBER records. List, create (name,
// description, member organizations picked from the directory), change members, delete.
import { api, listAll } from '../api.js';
import { getOrgs } from '../data.js';
import { fill, h, newId } from '../dom.js';
import { field, fieldset, formAlert, input, onSubmit, statusLine } from '../forms.js';
import { t } from '../i18n.js';
import { KINDS } from '../labels.js';
import { session } from '../state.js';
import { errorNote, loading, pageHeader } from '../ui.js';

const KIND_ORDER = ['member_state', 'regional_org', 'un_entity', 'mission'];

export function renderAdminGroups(view) {
  const listBox = h('div', null, loading(t('admin_groups.loading')));
  const formBox = h('div', null, loading(t('admin_groups.loading_directory')));
  const status = statusLine();
  view.append(
    pageHeader(t('admin_groups.title'), t('admin_groups.intro')),
    h(
      'section',
      { class: 'card', 'aria-labelledby': 'group-add' },
      h('h2', { id: 'group-add' }, t('admin_groups.create_heading')),
      formBox,
    ),
    status,
    h(
      'section',
      { 'aria-labelledby': 'group-list' },
      h('h2', { id: 'group-list' }, t('admin_groups.list_heading')),
      listBox,
    ),
  );
  getOrgs().then(
    (orgs) => {
      const ctx = { orgs, listBox, status };
      ctx.reload = () => loadGroups(ctx);
      fill(formBox, createForm(ctx));
      ctx.reload();
    },
    (err) => {
      fill(formBox, errorNote(err));
      fill(listBox, errorNote(err));
    },
  );
}

// Check boxes for every organization, by kind then name, with a filter: some sixty choices
// are too many for a plain list and too few for a server search.
function memberPicker(orgs, selected) {
  const chosen = new Set(selected || []);
  const filterId = newId('filter');
  const filter = h('input', {
    type: 'search',
    id: filterId,
    placeholder: t('admin_groups.filter_placeholder'),
    autocomplete: 'off',
  });
  const count = h('span', { class: 'count', 'aria-live': 'polite' });
  const groups = KIND_ORDER.map((k) => {
    const members = orgs.filter((o) => o.kind === k).sort((a, b) => a.name.localeCompare(b.name));
    if (!members.length) return null;
    const items = members.map((o) => {
      const id = newId('m');
      const box = h('input', {
        type: 'checkbox',
        name: 'members',
        value: o.code,
        id,
        checked: chosen.has(o.code),
      });
      return h(
        'div',
        { class: 'check', 'data-search': `${o.code} ${o.name}`.toLowerCase() },
        box,
        h('label', { for: id }, h('span', { class: 'code', dir: 'ltr' }, o.code), ' ', o.name),
      );
    });
    return h('div', { class: 'picker-group' }, h('p', { class: 'picker-kind' }, KINDS[k]), items);
  });
  const list = h('div', { class: 'picker-list' }, groups);
  const updateCount = () => {
    const n = list.querySelectorAll('input:checked').length;
    count.textContent = t('admin_groups.selected', { n });
  };
  filter.addEventListener('input', () => {
    const q = filter.value.trim().toLowerCase();
    for (const row of list.querySelectorAll('.check'))
      row.hidden = q !== '' && !row.getAttribute('data-search').includes(q);
    for (const g of list.querySelectorAll('.picker-group'))
      g.hidden = !g.querySelector('.check:not([hidden])');
  });
  list.addEventListener('change', updateCount);
  updateCount();
  return h(
    'div',
    { class: 'picker' },
    h(
      'div',
      { class: 'picker-head' },
      h('label', { for: filterId, class: 'visually-hidden' }, t('admin_groups.filter_label')),
      filter,
      count,
    ),
    list,
  );
}

function checkedCodes(form) {
  return Array.from(form.querySelectorAll('input[name=members]:checked'), (b) => b.value);
}

function createForm(ctx) {
  const name = input('name', { required: true, maxlength: 127, autocomplete: 'off' });
  const description = h('textarea', { name: 'description', rows: 2, maxlength: 511 });
  const own = session.user ? session.user.org : '';
  const form = h(
    'form',
    { novalidate: true },
    formAlert(),
    field(t('admin_groups.name'), name),
    field(t('admin_groups.description'), description, t('admin_groups.description_hint')),
    fieldset(
      t('admin_groups.member_orgs'),
      'members',
      memberPicker(ctx.orgs, []),
      own ? t('admin_groups.own_org_member', { org: own }) : null,
    ),
    h('button', { type: 'submit', class: 'primary' }, t('admin_groups.create')),
  );
  onSubmit(
    form,
    async (key) => {
      const body = {
        name: name.value.trim(),
        description: description.value.trim(),
        members: checkedCodes(form),
      };
      const created = await api('POST', '/api/v1/groups', body, { idempotencyKey: key });
      form.reset();
      for (const b of form.querySelectorAll('input[name=members]')) b.checked = false;
      form.querySelector('.picker-list').dispatchEvent(new Event('change'));
      await ctx.reload();
      ctx.status.textContent = t('admin_groups.created', {
        name: (created && created.name) || body.name,
      });
    },
    ctx.status,
  );
  return form;
}

async function loadGroups(ctx) {
  try {
    const groups = await listAll('/api/v1/groups');
    if (!groups.length) {
      fill(ctx.listBox, h('p', { class: 'empty' }, t('admin_groups.empty')));
      return;
    }
    fill(
      ctx.listBox,
      h(
        'ul',
        { class: 'group-list' },
        groups.map((g) => groupItem(ctx, g)),
      ),
    );
  } catch (err) {
    fill(ctx.listBox, errorNote(err));
  }
}

function groupItem(ctx, g) {
  const names = {};
  for (const o of ctx.orgs) names[o.code] = o.name;
  const members = g.members || [];
  const editBox = h('div', null);
  const item = h(
    'li',
    { class: 'group card', 'data-group': g.name },
    h(
      'div',
      { class: 'group-head' },
      h('h3', null, g.name),
      h('span', { class: 'muted' }, g.owner ? t('admin_groups.owner', { org: g.owner }) : ''),
      h(
        'div',
        { class: 'actions' },
        h(
          'button',
          {
            type: 'button',
            class: 'small',
            'aria-label': t('admin_groups.edit_members_label', { name: g.name }),
            onclick: () => edit(),
          },
          t('admin_groups.edit_members'),
        ),
        h(
          'button',
          {
            type: 'button',
            class: 'small danger',
            'aria-label': t('admin_groups.delete_label', { name: g.name }),
            onclick: () => remove(),
          },
          t('admin_groups.delete'),
        ),
      ),
    ),
    g.description ? h('p', null, g.description) : null,
    h(
      'p',
      { class: 'tags', 'aria-label': t('admin_groups.members') },
      members.length
        ? members.map((c) => h('span', { class: 'tag', dir: 'ltr', title: names[c] || c }, c))
        : h('span', { class: 'muted' }, t('admin_groups.no_members')),
    ),
    editBox,
  );

  function edit() {
    if (editBox.firstChild) {
      fill(editBox);
      return;
    }
    const form = h(
      'form',
      { novalidate: true, class: 'edit-members' },
      formAlert(),
      fieldset(
        t('admin_groups.members_of', { name: g.name }),
        'members',
        memberPicker(ctx.orgs, members),
      ),
      h(
        'div',
        { class: 'actions' },
        h('button', { type: 'submit', class: 'primary' }, t('admin_groups.save_members')),
        h(
          'button',
          { type: 'button', class: 'ghost', onclick: () => fill(editBox) },
          t('common.cancel'),
        ),
      ),
    );
    onSubmit(
      form,
      async () => {
        await api('PATCH', `/api/v1/groups/${encodeURIComponent(g.id)}`, {
          members: checkedCodes(form),
        });
        await ctx.reload();
        ctx.status.textContent = t('admin_groups.members_saved', { name: g.name });
      },
      ctx.status,
    );
    fill(editBox, form);
    form.querySelector('input[type=search]').focus();
  }

  async function remove() {
    if (!window.confirm(t('admin_groups.delete_confirm', { name: g.name }))) return;
    try {
      await api('DELETE', `/api/v1/groups/${encodeURIComponent(g.id)}`);
      await ctx.reload();
      ctx.status.textContent = t('admin_groups.deleted', { name: g.name });
    } catch (err) {
      fill(editBox, errorNote(err));
    }
  }
  return item;
}
