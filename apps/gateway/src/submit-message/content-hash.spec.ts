import { canonicalJson, contentHash } from './content-hash';

describe('contentHash', () => {
  it('is the same whatever the key order', () => {
    expect(contentHash({ a: 1, b: { c: [1, { d: 2, e: 3 }] } })).toBe(contentHash({ b: { c: [1, { e: 3, d: 2 }] }, a: 1 }));
  });

  it('differs when any value differs', () => {
    expect(contentHash({ a: 1, b: [1, 2] })).not.toBe(contentHash({ a: 1, b: [2, 1] }));
    expect(contentHash({ a: '1' })).not.toBe(contentHash({ a: 1 }));
  });

  it('writes sorted compact JSON', () => {
    expect(canonicalJson({ z: null, a: ['x', true] })).toBe('{"a":["x",true],"z":null}');
  });
});
