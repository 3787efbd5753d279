import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/** A data key: 32 random bytes for AES-256-GCM. */
export type DataKey = Buffer;

const IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * Random bytes taken from a pool filled 16 KiB at a time: one call to the system's generator costs about
 * 2 µs, and a message needs an IV for each of its sealed values. Each refill is a new buffer, so the bytes
 * handed out are never reused.
 */
let pool = Buffer.alloc(0);
let taken = 0;
function randomFromPool(size: number): Buffer {
  if (taken + size > pool.length) {
    pool = randomBytes(16 * 1024);
    taken = 0;
  }
  taken += size;
  return pool.subarray(taken - size, taken);
}

/** A key lives on in the key store and in caches: it gets a buffer of its own, not a view of the pool. */
export const newDataKey = (): DataKey => Buffer.from(randomFromPool(32));

/** `iv ‖ tag ‖ ciphertext`; the additional data binds the ciphertext to its case and person, so it cannot be moved to another. */
export function encrypt(key: DataKey, plaintext: Buffer, additionalData: string): Buffer {
  const iv = randomFromPool(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(additionalData, 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), ciphertext]);
}

/** Throws when the key, the additional data or a single byte of the box is not what sealed it. */
export function decrypt(key: DataKey, box: Buffer, additionalData: string): Buffer {
  const decipher = createDecipheriv('aes-256-gcm', key, box.subarray(0, IV_BYTES));
  decipher.setAAD(Buffer.from(additionalData, 'utf8'));
  decipher.setAuthTag(box.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
  return Buffer.concat([decipher.update(box.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]);
}
