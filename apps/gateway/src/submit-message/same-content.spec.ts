import { canonicalJson, sameContent } from './same-content';

describe('sameContent', () => {
  it('holds whatever the key order', () => {
    expect(sameContent({ a: 1, b: { c: [1, { d: 2, e: 3 }] } }, { b: { c: [1, { e: 3, d: 2 }] }, a: 1 })).toBe(true);
  });

  it('fails when any value differs', () => {
    expect(sameContent({ a: 1, b: [1, 2] }, { a: 1, b: [2, 1] })).toBe(false);
    expect(sameContent({ a: '1' }, { a: 1 })).toBe(false);
    expect(sameContent({ a: 1 }, { a: 1, b: null })).toBe(false);
  });

  it('writes sorted compact JSON', () => {
    expect(canonicalJson({ z: null, a: ['x', true] })).toBe('{"a":["x",true],"z":null}');
  });
});
