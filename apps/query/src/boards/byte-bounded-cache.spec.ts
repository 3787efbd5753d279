import { ByteBoundedCache } from './byte-bounded-cache';

const sized = (byteLength: number, name = `${byteLength} B`) => ({ byteLength, name });

describe('ByteBoundedCache', () => {
  it('gives back what was set, and nothing for a key never set', () => {
    const cache = new ByteBoundedCache(100);
    cache.set('a', sized(10, 'first'));

    expect(cache.get('a')).toEqual(sized(10, 'first'));
    expect(cache.get('b')).toBeUndefined();
  });

  it('replacing a key counts only the new value', () => {
    const cache = new ByteBoundedCache(100);
    cache.set('a', sized(60));
    cache.set('a', sized(70));

    expect([cache.size, cache.byteLength]).toEqual([1, 70]);
  });

  it('drops the least recently read beyond the bound: a value read is kept over one only set', () => {
    const cache = new ByteBoundedCache(100);
    cache.set('a', sized(40));
    cache.set('b', sized(40));
    cache.get('a');
    cache.set('c', sized(40));

    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')).toBeDefined();
    expect(cache.get('c')).toBeDefined();
    expect(cache.byteLength).toBe(80);
  });

  it('drops as many as it takes for a large value', () => {
    const cache = new ByteBoundedCache(100);
    for (const key of ['a', 'b', 'c', 'd']) cache.set(key, sized(25));
    cache.set('e', sized(90));

    expect([cache.size, cache.byteLength]).toEqual([1, 90]);
  });

  it('keeps no value larger than the bound, and no value at all with a bound of 0; what it held stays', () => {
    const cache = new ByteBoundedCache(100);
    cache.set('a', sized(50));
    cache.set('huge', sized(101));
    const none = new ByteBoundedCache(0);
    none.set('a', sized(1));

    expect(cache.get('huge')).toBeUndefined();
    expect([cache.size, cache.byteLength]).toEqual([1, 50]);
    expect([none.size, none.byteLength]).toEqual([0, 0]);
  });

  it('a key replaced by a value too large is gone', () => {
    const cache = new ByteBoundedCache(100);
    cache.set('a', sized(50));
    cache.set('a', sized(150));

    expect([cache.get('a'), cache.byteLength]).toEqual([undefined, 0]);
  });
});
