// web/src/markdown.js, the reader of the app's own documents: each block and span becomes the
// element it should, text never becomes markup, and only the app's own or https links are
// links. A small stand-in for the browser's document (markdown.js only creates elements and
// text nodes) keeps this a plain node test.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';

class Node {
  constructor() {
    this.childNodes = [];
  }
  append(...kids) {
    for (const k of kids) this.childNodes.push(typeof k === 'string' ? new Text(k) : k);
  }
  get lastChild() {
    return this.childNodes[this.childNodes.length - 1];
  }
  get textContent() {
    return this.childNodes.map((c) => c.textContent).join('');
  }
}
class Text extends Node {
  constructor(text) {
    super();
    this.text = text;
  }
  get textContent() {
    return this.text;
  }
}
class Element extends Node {
  constructor(tag) {
    super();
    this.tagName = tag;
    this.attrs = {};
  }
  setAttribute(k, v) {
    this.attrs[k] = v;
  }
  addEventListener() {}
}
globalThis.Node = Node;
globalThis.document = {
  createElement: (tag) => new Element(tag),
  createTextNode: (text) => new Text(text),
};

const { blocks, inline } = await import('../../web/src/markdown.js');
const shape = (n) =>
  n instanceof Element
    ? [n.tagName, n.attrs.href || n.attrs.id || null, ...n.childNodes.map(shape)]
    : typeof n === 'string'
      ? n
      : n.text;

test('markdown/blocks: headings with ids, paragraphs joined, both kinds of list', () => {
  const out = blocks(
    '## The map\n\nOne line\nand the next.\n\n- first\n- second\n  goes on\n\n1. one\n2. two\n',
  );
  assert.deepEqual(out.map(shape), [
    ['h3', 'the-map', 'The map'],
    ['p', null, 'One line and the next.'],
    ['ul', null, ['li', null, 'first'], ['li', null, 'second goes on']],
    ['ol', null, ['li', null, 'one'], ['li', null, 'two']],
  ]);
});

test('markdown/inline: code, strong, the app own and https links; others are words only', () => {
  assert.deepEqual(
    inline('Use `IED`, **Release**, [the map](#/incidents), [UN](https://un.org)').map(shape),
    [
      'Use ',
      ['code', null, 'IED'],
      ', ',
      ['strong', null, 'Release'],
      ', ',
      ['a', '#/incidents', 'the map'],
      ', ',
      ['a', 'https://un.org', 'UN'],
    ],
  );
  for (const bad of ['javascript:alert(1)', 'data:text/html,x', 'http://plain.example', '//x']) {
    const out = inline(`[click](${bad})`);
    assert.equal(out[0], 'click', bad);
    assert.ok(
      out.every((n) => typeof n === 'string'),
      `${bad} is not a link`,
    );
  }
});

test('markdown/text: markup in the text stays text', () => {
  const [p] = blocks('<img src=x onerror=alert(1)> & <b>bold</b>');
  assert.deepEqual(shape(p), ['p', null, '<img src=x onerror=alert(1)> & <b>bold</b>']);
});

test('markdown/guide: the user guide is within the subset (every line is read as meant)', () => {
  const src = fs.readFileSync(
    path.join(path.dirname(new URL(import.meta.url).pathname), '../../docs/guide.md'),
    'utf8',
  );
  const out = blocks(src);
  const text = out.map((n) => n.textContent).join('\n');
  // Nothing of Markdown's own syntax is left in the words: every span was understood.
  assert.doesNotMatch(text, /\*\*|\]\(|^#/m);
  assert.ok(out.filter((n) => n.tagName === 'h3').length >= 6, 'the guide has its sections');
});
