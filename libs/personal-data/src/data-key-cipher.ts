import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/** A data key: 32 random bytes for AES-256-GCM. */
export type DataKey = Buffer;

const IV_BYTES = 12;
const TAG_BYTES = 16;

export const newDataKey = (): DataKey => randomBytes(32);

/** `iv ‖ tag ‖ ciphertext`; the additional data binds the ciphertext to its case and person, so it cannot be moved to another. */
export function encrypt(key: DataKey, plaintext: Buffer, additionalData: string): Buffer {
  const iv = randomBytes(IV_BYTES);
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
