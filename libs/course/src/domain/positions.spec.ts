import { clampPosition, placeAt, without } from './positions';

describe('dense positions', () => {
  const ids = ['a', 'b', 'c', 'd'];

  it('appends a new item when no position is given, or one beyond the end', () => {
    expect(placeAt(ids, 'e')).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(placeAt(ids, 'e', 99)).toEqual(['a', 'b', 'c', 'd', 'e']);
  });

  it('inserts a new item at its 1-based position, and at the start below 1', () => {
    expect(placeAt(ids, 'e', 1)).toEqual(['e', 'a', 'b', 'c', 'd']);
    expect(placeAt(ids, 'e', 3)).toEqual(['a', 'b', 'e', 'c', 'd']);
    expect(placeAt(ids, 'e', 0)).toEqual(['e', 'a', 'b', 'c', 'd']);
    expect(placeAt(ids, 'e', -5)).toEqual(['e', 'a', 'b', 'c', 'd']);
  });

  it('moves an existing item up, down, to the ends and onto itself', () => {
    expect(placeAt(ids, 'd', 1)).toEqual(['d', 'a', 'b', 'c']);
    expect(placeAt(ids, 'a', 4)).toEqual(['b', 'c', 'd', 'a']);
    expect(placeAt(ids, 'a', 99)).toEqual(['b', 'c', 'd', 'a']);
    expect(placeAt(ids, 'b', 3)).toEqual(['a', 'c', 'b', 'd']);
    expect(placeAt(ids, 'c', 3)).toEqual(['a', 'b', 'c', 'd']);
    expect(placeAt(ids, 'c')).toEqual(['a', 'b', 'd', 'c']);
  });

  it('places into an empty list', () => {
    expect(placeAt([], 'a', 5)).toEqual(['a']);
    expect(placeAt([], 'a')).toEqual(['a']);
  });

  it('keeps every id exactly once whatever the sequence of moves', () => {
    let order = ['a', 'b', 'c', 'd', 'e', 'f'];
    for (let step = 0; step < 200; step += 1) {
      order = placeAt(order, order[(step * 7) % order.length], ((step * 13) % 9) - 1);
      expect([...order].sort()).toEqual(['a', 'b', 'c', 'd', 'e', 'f']);
    }
  });

  it('removes an item, leaving the others in order', () => {
    expect(without(ids, 'b')).toEqual(['a', 'c', 'd']);
    expect(without(ids, 'z')).toEqual(ids);
  });

  it('clamps positions into 1..length', () => {
    expect(clampPosition(undefined, 3)).toBe(3);
    expect(clampPosition(0, 3)).toBe(1);
    expect(clampPosition(7, 3)).toBe(3);
    expect(clampPosition(2, 3)).toBe(2);
    expect(clampPosition(1, 0)).toBe(1);
  });
});
