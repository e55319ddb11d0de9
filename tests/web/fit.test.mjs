// web/src/incidents/fit.js (CTest: web/fit): the box the map fits to its matches, across the
// antimeridian when that is shorter, the longitudes drawn on the world copy in view, and the
// view's box as the API takes it (west greater than east across 180°).
import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
const { boundsAround, lonNear, viewBox } = await import(
  path.join(root, 'web/src/incidents/fit.js')
);

test('fit/bounds: boxes in one area make a box around them', () => {
  assert.deepEqual(
    boundsAround([
      [10, -5, 11, -4],
      [12, 2, 13, 3],
    ]),
    [
      [10, -5],
      [13, 3],
    ],
  );
  assert.equal(boundsAround([]), null);
});

test('fit/antimeridian: Fiji on both sides of 180° is 2° wide, not the world', () => {
  // Suva (178.4°E) and Lau (178.8°W).
  const b = boundsAround([
    [-18.2, 178.4, -18.1, 178.5],
    [-17.3, -178.8, -17.2, -178.7],
  ]);
  assert.deepEqual(b, [
    [-18.2, 178.4],
    [-17.2, -178.7 + 360],
  ]);
  // A box that itself crosses 180° (179.5 to 180.5) with one just east of it.
  const c = boundsAround([
    [0, 179.5, 1, 180.5],
    [0, -179.9, 1, -179],
  ]);
  assert.deepEqual(c, [
    [0, 179.5],
    [1, 181],
  ]);
});

test('fit/wide: matches all round the world keep the widest gap out', () => {
  // Three areas: the widest empty arc (from 169°W to 10°E) is left out, so the box runs
  // east from 10°E across 180° to 169°W.
  const b = boundsAround([
    [0, -170, 1, -169],
    [0, 170, 1, 171],
    [0, 10, 1, 11],
  ]);
  assert.deepEqual(b, [
    [0, 10],
    [1, 191],
  ]);
});

test('fit/lon-near: a point is drawn on the world copy nearest the view', () => {
  assert.equal(lonNear(-179, 180), 181);
  assert.equal(lonNear(10, 180), 10);
  assert.equal(lonNear(10, -350), -350);
  assert.equal(lonNear(-20, 0), -20);
});

// A stand-in for a Leaflet map: getBounds() of the given edges.
const mapOf = (west, south, east, north) => ({
  getBounds: () => ({
    getWest: () => west,
    getEast: () => east,
    getSouth: () => south,
    getNorth: () => north,
  }),
});

test('fit/view-box: across 180° the API box has west greater than east', () => {
  assert.equal(viewBox(mapOf(170, -20, 190, -10)), '170,-20,-170,-10');
  assert.equal(viewBox(mapOf(-10, 0, 10, 5)), '-10,0,10,5');
  // Panned a world to the east: the same box.
  assert.equal(viewBox(mapOf(350, 0, 370, 5)), '-10,0,10,5');
  // Wider than the world: all of it; the poles clipped.
  assert.equal(viewBox(mapOf(-300, -95, 300, 95)), '-180,-90,180,90');
  // An east edge on 180° stays east.
  assert.equal(viewBox(mapOf(170, 0, 180, 5)), '170,0,180,5');
});
