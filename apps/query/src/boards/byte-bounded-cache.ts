/**
 * Values by key, at most `maxBytes` of them in all: beyond it the least
 * recently read are dropped; a value larger than the whole bound is not kept.
 */
export class ByteBoundedCache<Value extends { readonly byteLength: number }> {
  private readonly values = new Map<string, Value>();
  private bytes = 0;

  constructor(private readonly maxBytes: number) {}

  get size(): number {
    return this.values.size;
  }

  get byteLength(): number {
    return this.bytes;
  }

  get(key: string): Value | undefined {
    const value = this.values.get(key);
    if (value !== undefined) {
      this.values.delete(key);
      this.values.set(key, value);
    }
    return value;
  }

  set(key: string, value: Value): void {
    this.delete(key);
    if (value.byteLength > this.maxBytes) return;
    this.values.set(key, value);
    this.bytes += value.byteLength;
    for (const [oldest, { byteLength }] of this.values) {
      if (this.bytes <= this.maxBytes) break;
      this.values.delete(oldest);
      this.bytes -= byteLength;
    }
  }

  private delete(key: string): void {
    const earlier = this.values.get(key);
    if (earlier === undefined) return;
    this.values.delete(key);
    this.bytes -= earlier.byteLength;
  }
}
