// Pages for the capabilities still to come: each says plainly that it is not available yet,
// and what it will hold, so the navigation is complete without anything broken behind it.
import { h } from '../dom.js';
import { pageHeader } from '../ui.js';

export const CAPABILITIES = [
  {
    key: 'alerts',
    nav: 'Alerts',
    title: 'Alerts and bulletins',
    text: 'Alerts targeted by organization, mission and area, with acknowledgements (CAP 1.2 in and out).',
  },
  {
    key: 'library',
    nav: 'Library',
    title: 'Knowledge library',
    text: 'Case studies, lessons learned and best practices, linked to incidents, reviewed and endorsed.',
  },
  {
    key: 'coordination',
    nav: 'Coordination',
    title: 'Policy coordination',
    text: 'Proposals under silence procedure, meetings, decisions and commitments, and the mission-level actions that carry them out.',
  },
  {
    key: 'capacity',
    nav: 'Capacity building',
    title: 'Capacity building',
    text: "Needs and offers across the Light Coordination Mechanism's eight categories, matching, training records and gaps.",
  },
  {
    key: 'analytics',
    nav: 'Analytics',
    title: 'Analytics',
    text: 'Trends, hotspots, risk surfaces and CASEVAC coverage.',
  },
];

export function renderPlaceholder(view, c) {
  view.append(
    pageHeader(c.title),
    h(
      'div',
      { class: 'notice' },
      h('p', { class: 'notice-title' }, 'Not available yet'),
      h('p', null, `This part of Bluehelm is being built. It will hold: ${c.text}`),
    ),
  );
}
