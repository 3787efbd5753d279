import { decrypt, encrypt, type DataKey } from './data-key-cipher';

/** The key of the case itself: it seals the free text (titles, summaries, notes, questions), destroyed when the whole case is erased. */
export const CASE_TEXT_KEY = '*';

/** A value encrypted under the keys of every ref it names, the first outermost. */
export interface Sealed {
  readonly for: readonly string[];
  readonly data: string;
}

/** Why a sealed value reads as a placeholder. */
export type Withheld = 'erased' | 'restricted';

/** The keys of one case as one reader may use them. */
export interface KeyAccess {
  /** The key that opens values sealed for this ref, or why the reader may not. */
  key(ref: string): DataKey | Withheld;
  /** Whether a value stored before encryption that names this ref is withheld from the reader. */
  plain(ref: string): Withheld | undefined;
}

type Json = Record<string, unknown>;

const TEXT_FIELDS = ['title', 'summary', 'note', 'question'] as const;

export const isSealed = (value: unknown): value is { readonly sealed: Sealed } =>
  typeof value === 'object' && value !== null && typeof (value as { sealed?: unknown }).sealed === 'object' && (value as { sealed: unknown }).sealed !== null;

const additionalData = (caseId: string, ref: string): string => `cmx1\u0000${caseId}\u0000${ref}`;

function seal(caseId: string, refs: readonly string[], value: unknown, keyOf: (ref: string) => DataKey): Sealed {
  let box: Buffer = Buffer.from(JSON.stringify(value), 'utf8');
  for (let index = refs.length - 1; index >= 0; index--) box = encrypt(keyOf(refs[index]), box, additionalData(caseId, refs[index]));
  return { for: refs, data: box.toString('base64') };
}

function open(caseId: string, sealed: Sealed, access: KeyAccess): unknown | Withheld {
  const keys = sealed.for.map((ref) => access.key(ref));
  if (keys.includes('erased')) return 'erased';
  if (keys.includes('restricted')) return 'restricted';
  let box: Buffer = Buffer.from(sealed.data, 'base64');
  sealed.for.forEach((ref, index) => (box = decrypt(keys[index] as DataKey, box, additionalData(caseId, ref))));
  return JSON.parse(box.toString('utf8'));
}

/** The person refs of one payment, each once. */
const refsOfPayment = (payment: Json): string[] => [...new Set([payment.payerRef, payment.payeeRef].filter((ref): ref is string => typeof ref === 'string'))];

/**
 * Every key a message body needs sealed: its persons', the holders' of its documents (named in the document or,
 * for a document whose holder an earlier message named, in `documentHolders`), the persons' its payments name,
 * and the case's own for its free text.
 */
export function refsToSeal(body: unknown, documentHolders: Readonly<Record<string, string>> = {}): string[] {
  const json = body as Json;
  const refs = new Set<string>();
  for (const person of listOf(json.persons)) refs.add(person.ref as string);
  for (const document of listOf(json.documents)) {
    const holder = holderOf(document, documentHolders);
    if (holder) refs.add(holder);
  }
  for (const payment of listOf(json.payments)) refsOfPayment(payment).forEach((ref) => refs.add(ref));
  if (TEXT_FIELDS.some((field) => typeof json[field] === 'string')) refs.add(CASE_TEXT_KEY);
  return [...refs];
}

/** The body with each person, held document, payment naming a person and free-text field replaced by its sealed value; the rest stays clear. */
export function sealBody(caseId: string, body: unknown, keyOf: (ref: string) => DataKey, documentHolders: Readonly<Record<string, string>> = {}): unknown {
  const json = body as Json;
  const sealed: Json = { ...json };
  if (Array.isArray(json.persons)) {
    sealed.persons = listOf(json.persons).map((person) => ({ ref: person.ref, sealed: seal(caseId, [person.ref as string], person, keyOf) }));
  }
  if (Array.isArray(json.documents)) {
    sealed.documents = listOf(json.documents).map((document) => {
      const holder = holderOf(document, documentHolders);
      return holder ? { ref: document.ref, holderRef: holder, sealed: seal(caseId, [holder], document, keyOf) } : document;
    });
  }
  if (Array.isArray(json.payments)) {
    sealed.payments = listOf(json.payments).map((payment) => {
      const refs = refsOfPayment(payment);
      if (refs.length === 0) return payment;
      return { ...pick(payment, ['payerRef', 'payeeRef']), sealed: seal(caseId, refs, payment, keyOf) };
    });
  }
  for (const field of TEXT_FIELDS) {
    if (typeof json[field] === 'string') sealed[field] = { sealed: seal(caseId, [CASE_TEXT_KEY], json[field], keyOf) };
  }
  return sealed;
}

/**
 * The body as one reader may see it: each sealed value opened where the reader may use every key it needs,
 * otherwise a placeholder naming its refs and why (`{ "ref": "P2", "erased": true }`). A body with nothing
 * sealed (stored before encryption) is returned as it is.
 */
export function openBody(caseId: string, body: unknown, access: KeyAccess): unknown {
  const json = body as Json;
  if (typeof json !== 'object' || json === null) return body;
  let opened: Json | undefined;
  const set = (field: string, value: unknown): void => {
    opened ??= { ...json };
    opened[field] = value;
  };
  for (const field of ['persons', 'documents', 'payments'] as const) {
    const items = json[field];
    if (!Array.isArray(items)) continue;
    let changed = false;
    const read = items.map((item: Json) => {
      const value = isSealed(item) ? open(caseId, item.sealed, access) : withheldPlain(item, plainRefsOf(field, item), access);
      if (value === item) return item;
      changed = true;
      if (value === 'erased' || value === 'restricted') return { ...pick(item, field === 'payments' ? ['payerRef', 'payeeRef'] : ['ref']), [value]: true };
      return value;
    });
    if (changed) set(field, read);
  }
  for (const field of TEXT_FIELDS) {
    const value = json[field];
    if (value === undefined) continue;
    const text = isSealed(value) ? open(caseId, value.sealed, access) : withheldPlain(value, [CASE_TEXT_KEY], access);
    if (text === value) continue;
    set(field, text === 'erased' || text === 'restricted' ? { [text]: true } : text);
  }
  return opened ?? body;
}

/** Whether any value of the body is sealed. */
export function hasSealedValues(body: unknown): boolean {
  const json = body as Json;
  if (typeof json !== 'object' || json === null) return false;
  return (
    ['persons', 'documents', 'payments'].some((field) => Array.isArray(json[field]) && (json[field] as unknown[]).some(isSealed)) ||
    TEXT_FIELDS.some((field) => isSealed(json[field]))
  );
}

/** A value stored before encryption: withheld when a ref it names was erased or restricted since, itself otherwise. */
function withheldPlain<Value>(value: Value, refs: readonly string[], access: KeyAccess): Value | Withheld {
  const withheld = refs.map((ref) => access.plain(ref));
  if (withheld.includes('erased')) return 'erased';
  if (withheld.includes('restricted')) return 'restricted';
  return value;
}

function plainRefsOf(field: 'persons' | 'documents' | 'payments', item: Json): string[] {
  if (field === 'persons') return [item.ref as string];
  if (field === 'documents') return typeof item.holderRef === 'string' ? [item.holderRef] : [];
  return refsOfPayment(item);
}

function holderOf(document: Json, documentHolders: Readonly<Record<string, string>>): string | undefined {
  if (typeof document.holderRef === 'string') return document.holderRef;
  return Object.prototype.hasOwnProperty.call(documentHolders, document.ref as string) ? documentHolders[document.ref as string] : undefined;
}

const listOf = (value: unknown): Json[] => (Array.isArray(value) ? (value as Json[]) : []);

function pick(item: Json, fields: readonly string[]): Json {
  const picked: Json = {};
  for (const field of fields) if (item[field] !== undefined) picked[field] = item[field];
  return picked;
}

/** Whether an opened body shows a placeholder for anything erased. */
export function hasErasedValues(body: unknown): boolean {
  const json = body as Json;
  if (typeof json !== 'object' || json === null) return false;
  const erased = (value: unknown) => typeof value === 'object' && value !== null && (value as Json).erased === true;
  return ['persons', 'documents', 'payments'].some((field) => listOf(json[field]).some(erased)) || TEXT_FIELDS.some((field) => erased(json[field]));
}
