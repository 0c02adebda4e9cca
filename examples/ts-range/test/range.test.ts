import { test } from 'node:test';
import assert from 'node:assert/strict';
import { range, sum } from '../src/range.ts';

test('range stops before end', () => {
  assert.deepEqual(range(0, 3), [0, 1, 2]);
});

test('range of an empty span is empty', () => {
  assert.deepEqual(range(2, 2), []);
});

test('sum adds the numbers', () => {
  assert.equal(sum([1, 2, 3]), 6);
});
