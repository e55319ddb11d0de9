// Building the page from elements, never from HTML strings: text from the server can never
// become markup, and the Content-Security-Policy (no inline scripts or style attributes) holds
// by construction. Styling is by class only.

// h('p', { class: 'note', onclick: fn }, 'text', child, [more, children])
// Attributes: `class`, on<event> listeners, `value`/`checked`/`disabled` set as properties,
// anything else as an attribute (true → present, false/null/undefined → absent).
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  if (attrs) {
    for (const name of Object.keys(attrs)) {
      const v = attrs[name];
      if (v === undefined || v === null || v === false) continue;
      if (name === 'class') el.className = v;
      else if (name.startsWith('on')) el.addEventListener(name.slice(2), v);
      else if (name === 'value' || name === 'checked' || name === 'disabled') el[name] = v;
      else el.setAttribute(name, v === true ? '' : String(v));
    }
  }
  append(el, children);
  return el;
}

export function append(el, children) {
  for (const c of children) {
    if (c === undefined || c === null || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

export function clear(el) {
  while (el.firstChild) el.removeChild(el.firstChild);
  return el;
}

// Replaces the children of `el`.
export function fill(el, ...children) {
  return append(clear(el), children);
}

let uid = 0;
// A page-unique id for label/aria wiring.
export function newId(prefix) {
  uid += 1;
  return `${prefix}-${uid}`;
}

// The icon's URL as index.html names it (with its version, so the browser's cached copy is
// used).
export function iconUrl() {
  const link = document.querySelector('link[rel=icon]');
  return link ? link.getAttribute('href') : '/assets/favicon.svg';
}
