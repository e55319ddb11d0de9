// Stacked bar charts drawn as plain SVG elements, built with the DOM like the rest of the app:
// no chart library (docs/web.md says why), nothing inline (colours come from classes in
// app.css), and text that never becomes markup. The SVG is drawn at the width it is shown at,
// so its labels keep their size on a phone.
import { num, t } from './i18n.js';

// The SVG namespace, written in parts: it is a name, not an address, but the api/assets test
// refuses any "http://" in the bundle (the app fetches nothing from elsewhere).
const NS = ['http:', '', 'www.w3.org', '2000', 'svg'].join('/');

function s(tag, attrs, ...children) {
  const el = document.createElementNS(NS, tag);
  for (const name of Object.keys(attrs || {})) el.setAttribute(name, String(attrs[name]));
  for (const c of children) if (c !== null) el.append(c);
  return el;
}

// A round step for about `n` grid lines up to `max`: 1, 2 or 5 times a power of ten.
export function niceStep(max, n) {
  const raw = Math.max(max, 1) / n;
  const p = Math.pow(10, Math.floor(Math.log10(raw)));
  const m = raw / p;
  return Math.max(1, (m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10) * p);
}

// stackedBars({ keys: ['1948', ...], series: ['Malicious Act', ...], value(key, i) → count,
// title, width, height, format, barTitle(key, total) }) → <svg>. Series i is drawn bottom-up
// with class `seg seg-i`; each key is a <g class="bar" data-key data-total> whose <title> is
// the tooltip. Keys are evenly spaced; a key with nothing has no rectangles. Numbers are
// written by `format` (num() by default); the title and the tooltips are the caller's words.
// The chart is drawn left to right in every language (the value axis on the left, time running
// rightwards, as charts of figures are printed in Arabic too): its geometry uses x only, and
// the SVG says direction="ltr" so that text-anchor keeps its meaning in a right-to-left page.
export function stackedBars(o) {
  const W = Math.max(280, Math.round(o.width || 900));
  const H = o.height || 280;
  const left = 48;
  const right = 8;
  const top = 12;
  const bottom = 26;
  const plotW = W - left - right;
  const plotH = H - top - bottom;
  const totals = o.keys.map((k) => o.series.reduce((n, _, i) => n + o.value(k, i), 0));
  const max = Math.max(0, ...totals);
  const step = niceStep(max, 4);
  const yMax = Math.max(step, Math.ceil(max / step) * step);
  const y = (v) => top + plotH - (v / yMax) * plotH;
  const band = plotW / Math.max(1, o.keys.length);
  const barW = Math.max(1, Math.min(48, band * 0.78));
  const fmt = o.format || ((v) => num(v));
  const svg = s('svg', {
    class: 'chart',
    viewBox: `0 0 ${W} ${H}`,
    width: W,
    height: H,
    role: 'img',
    direction: 'ltr',
    'aria-label': o.title,
  });

  for (let v = 0; v <= yMax; v += step) {
    svg.append(
      s('line', { class: v ? 'grid' : 'axis-line', x1: left, x2: W - right, y1: y(v), y2: y(v) }),
      s('text', { class: 'tick', x: left - 6, y: y(v) + 4, 'text-anchor': 'end' }, fmt(v)),
    );
  }
  // A label every `every` keys, so that labels stay about 44 px apart.
  const every = [1, 2, 5, 10, 20, 50].find((n) => n * band >= 44) || 100;
  o.keys.forEach((k, i) => {
    const x = left + i * band + (band - barW) / 2;
    const g = s('g', { class: 'bar', 'data-key': k, 'data-total': totals[i] });
    const tip = o.barTitle
      ? o.barTitle(k, totals[i])
      : t('ui.chart_bar_title', { key: k, total: fmt(totals[i]) });
    g.append(s('title', null, tip));
    // A transparent column under the bar, so the tooltip also shows over short bars.
    g.append(s('rect', { class: 'hit', x: left + i * band, y: top, width: band, height: plotH }));
    let base = 0;
    o.series.forEach((_, si) => {
      const v = o.value(k, si);
      if (!v) return;
      g.append(
        s('rect', {
          class: `seg seg-${si}`,
          x: x.toFixed(1),
          y: y(base + v).toFixed(1),
          width: barW.toFixed(1),
          height: Math.max(0.5, y(base) - y(base + v)).toFixed(1),
        }),
      );
      base += v;
    });
    svg.append(g);
    if (/^\d+$/.test(k) ? Number(k) % every === 0 : i % every === 0) {
      svg.append(
        s(
          'text',
          {
            class: 'tick',
            x: (left + i * band + band / 2).toFixed(1),
            y: H - 8,
            'text-anchor': 'middle',
          },
          k,
        ),
      );
    }
  });
  return svg;
}
