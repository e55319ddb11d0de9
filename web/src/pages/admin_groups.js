// Admin: sharing groups, the distributions of TLP:AMBER records. List, create (name,
// description, member organizations picked from the directory), change members, delete.
import { api, listAll } from '../api.js';
import { getOrgs } from '../data.js';
import { fill, h, newId } from '../dom.js';
import { field, fieldset, formAlert, input, onSubmit, statusLine } from '../forms.js';
import { KINDS } from '../labels.js';
import { session } from '../state.js';
import { errorNote, loading, pageHeader } from '../ui.js';

const KIND_ORDER = ['member_state', 'regional_org', 'un_entity', 'mission'];

export function renderAdminGroups(view) {
  const listBox = h('div', null, loading('sharing groups'));
  const formBox = h('div', null, loading('the directory'));
  const status = statusLine();
  view.append(
    pageHeader(
      'Sharing groups',
      'A TLP:AMBER record is seen by its owning organization and by the organizations of its sharing group.',
    ),
    h(
      'section',
      { class: 'card', 'aria-labelledby': 'group-add' },
      h('h2', { id: 'group-add' }, 'Create a sharing group'),
      formBox,
    ),
    status,
    h(
      'section',
      { 'aria-labelledby': 'group-list' },
      h('h2', { id: 'group-list' }, 'All sharing groups'),
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
    placeholder: 'Filter by code or name',
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
        h('label', { for: id }, h('span', { class: 'code' }, o.code), ' ', o.name),
      );
    });
    return h('div', { class: 'picker-group' }, h('p', { class: 'picker-kind' }, KINDS[k]), items);
  });
  const list = h('div', { class: 'picker-list' }, groups);
  const updateCount = () => {
    const n = list.querySelectorAll('input:checked').length;
    count.textContent = `${n} selected`;
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
      h('label', { for: filterId, class: 'visually-hidden' }, 'Filter organizations'),
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
    field('Name', name),
    field('Description', description, 'Who the group is for and what its members share.'),
    fieldset(
      'Member organizations',
      'members',
      memberPicker(ctx.orgs, []),
      own ? `Your organization (${own}) is always a member.` : null,
    ),
    h('button', { type: 'submit', class: 'primary' }, 'Create group'),
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
      ctx.status.textContent = `Sharing group "${(created && created.name) || body.name}" created.`;
    },
    ctx.status,
  );
  return form;
}

async function loadGroups(ctx) {
  try {
    const groups = await listAll('/api/v1/groups');
    if (!groups.length) {
      fill(ctx.listBox, h('p', { class: 'empty' }, 'No sharing groups yet.'));
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
      h('span', { class: 'muted' }, g.owner ? `Owner: ${g.owner}` : ''),
      h(
        'div',
        { class: 'actions' },
        h(
          'button',
          {
            type: 'button',
            class: 'small',
            'aria-label': `Edit members of ${g.name}`,
            onclick: () => edit(),
          },
          'Edit members',
        ),
        h(
          'button',
          {
            type: 'button',
            class: 'small danger',
            'aria-label': `Delete ${g.name}`,
            onclick: () => remove(),
          },
          'Delete',
        ),
      ),
    ),
    g.description ? h('p', null, g.description) : null,
    h(
      'p',
      { class: 'tags', 'aria-label': 'Members' },
      members.length
        ? members.map((c) => h('span', { class: 'tag', title: names[c] || c }, c))
        : h('span', { class: 'muted' }, 'No members'),
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
      fieldset(`Members of ${g.name}`, 'members', memberPicker(ctx.orgs, members)),
      h(
        'div',
        { class: 'actions' },
        h('button', { type: 'submit', class: 'primary' }, 'Save members'),
        h('button', { type: 'button', class: 'ghost', onclick: () => fill(editBox) }, 'Cancel'),
      ),
    );
    onSubmit(
      form,
      async () => {
        await api('PATCH', `/api/v1/groups/${encodeURIComponent(g.id)}`, {
          members: checkedCodes(form),
        });
        await ctx.reload();
        ctx.status.textContent = `Members of "${g.name}" saved.`;
      },
      ctx.status,
    );
    fill(editBox, form);
    form.querySelector('input[type=search]').focus();
  }

  async function remove() {
    if (
      !window.confirm(
        `Delete the sharing group "${g.name}"? Records shared with it can no longer name it.`,
      )
    )
      return;
    try {
      await api('DELETE', `/api/v1/groups/${encodeURIComponent(g.id)}`);
      await ctx.reload();
      ctx.status.textContent = `Sharing group "${g.name}" deleted.`;
    } catch (err) {
      fill(editBox, errorNote(err));
    }
  }
  return item;
}
