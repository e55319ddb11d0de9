// Pages for the capabilities still to come: each says plainly that it is not available yet,
// and what it will hold, so the navigation is complete without anything broken behind it.
// Their words are functions, read when a page or the navigation is drawn in the language of
// that moment.
import { h } from '../dom.js';
import { t } from '../i18n.js';
import { pageHeader } from '../ui.js';

export const CAPABILITIES = [
  {
    key: 'analytics',
    nav: () => t('placeholder.nav_analytics'),
    title: () => t('placeholder.title_analytics'),
    text: () => t('placeholder.text_analytics'),
  },
];

export function renderPlaceholder(view, c) {
  view.append(
    pageHeader(c.title()),
    h(
      'div',
      { class: 'notice' },
      h('p', { class: 'notice-title' }, t('placeholder.not_available')),
      h('p', null, t('placeholder.being_built', { contents: c.text() })),
    ),
  );
}
