import { holdsPersonalNumber } from '../personal-numbers/personal-numbers.ts';
import { dataKeys, decryptField, encryptField, isEncryptedForm, type DataKeys } from './data-key.ts';

/**
 * Personal data inside JSON documents (a case's form data, its history payloads, its agent, drafts,
 * job parameters) kept encrypted at rest value by value: each such string becomes the `v1:`
 * ciphertext of src/crypto/data-key.ts, still a JSON string, so the document keeps its shape and
 * nothing else in it is touched. The additional authenticated data is the document's scope
 * (table, column, row) and the value's JSON Pointer: a ciphertext moved to another case, history
 * entry or field does not decrypt.
 *
 * Which strings are sealed (docs/adr/0008-sealed-free-text.md):
 * - by their field's name, whatever they hold: ID numbers, bank accounts and cards, phones
 *   (`idNumber`, `payeeIdNumber`, `bankAccount`, `mobile`…), and free text, where a clerk may type
 *   anything (`text`, `reason`, `note`, `opinion`, `comment`, `filename`, `…Reason`, `…Note`…);
 * - by what they hold, under any other name: a string in which something looks like an ID number,
 *   card or mobile (src/personal-numbers/personal-numbers.ts, what views mask) is sealed whole; so is one
 *   that looks like a ciphertext, so that every stored `v1:` string is one. Identifiers (`…Id`,
 *   `…Ids`) are left alone: queries follow them, and a UUID may hold a long run of digits.
 * The repositories seal and open without knowing the definition (and a document outlives the
 * version it was written under). Every field of format `cn-id-number`, `bank-card` or `cn-mobile`
 * in the definitions is named so (test/data-at-rest.test.ts checks them all); a new one must be too.
 *
 * Migrations 20261124T0010_sealed_case_data.ts and 20261202T0015_sealed_free_text.ts carry frozen
 * copies of the rule: change them together, with a new migration.
 */

/**
 * ID numbers, bank accounts and cards, phones: `idNumber`, `payeeIdNumber`, `bankAccount`, `mobile`, `objectorPhone`…
 */
const PERSONAL_NAME = /(?:^(?:idNumber|bankAccount|bankCard|mobile|phone)|IdNumber|BankAccount|BankCard|Mobile|Phone)$/;
/**
 * Free text: comments, urges, reasons, notes, opinions, file
 * names (`text`, `reason`, `deferralReason`, `villageOpinion`…).
 */
const FREE_TEXT_NAME = /(?:^(?:text|reason|note|opinion|comment|filename)|Reason|Note|Opinion|Comment|Filename)$/;
const IDENTIFIER_NAME = /(?:^id|Id)s?$/;

export function isSealedField(name: string): boolean {
  return PERSONAL_NAME.test(name) || FREE_TEXT_NAME.test(name);
}

/** Whether the string `value` under the field `name` is kept sealed. */
function isSealedValue(name: string, value: string): boolean {
  return isSealedField(name) || (!IDENTIFIER_NAME.test(name) && (isEncryptedForm(value) || holdsPersonalNumber(value)));
}

type Leaf = (value: string, aad: string) => string;

function pointerToken(key: string): string {
  return key.includes('~') || key.includes('/') ? key.replace(/~/g, '~0').replace(/\//g, '~1') : key;
}

/** `name`: the field the value sits under (for an array's items, the array's). */
function mapValue(v: unknown, name: string, at: string, leaf: Leaf): unknown {
  if (typeof v === 'string') return isSealedValue(name, v) ? leaf(v, at) : v;
  if (v !== null && typeof v === 'object') return mapSealed(v, name, at, leaf);
  return v;
}

/**
 * Copies only what changes: the rest of the document is shared,
 * and a document without personal data comes back as it was.
 */
function mapSealed(value: object, name: string, at: string, leaf: Leaf): unknown {
  if (Array.isArray(value)) {
    let out: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const v: unknown = value[i];
      const n = mapValue(v, name, `${at}/${i}`, leaf);
      if (n !== v) (out ??= value.slice())[i] = n;
    }
    return out ?? value;
  }
  const o = value as Record<string, unknown>;
  let out: Record<string, unknown> | undefined;
  for (const key of Object.keys(o)) {
    const v = o[key];
    const n = mapValue(v, key, `${at}/${pointerToken(key)}`, leaf);
    if (n !== v) (out ??= { ...o })[key] = n;
  }
  return out ?? value;
}

// What an opened document was read from, by additional data: sealing it again reuses the
// ciphertext of every value that did not change, so a step encrypts only what it changed.
const readFrom = new WeakMap<object, Map<string, { plain: string; sealed: string }>>();

/**
 * The document with its personal data encrypted; `scope` names where it is stored (e.g.
 * `cases.snapshot:<id>:`). `previous`: the opened document this one replaces, whose unchanged
 * values keep their ciphertext.
 */
export function sealJson<T>(value: T, scope: string, previous?: unknown, keys: DataKeys = dataKeys()): T {
  const prior = previous !== null && typeof previous === 'object' ? readFrom.get(previous) : undefined;
  return mapValue(value, '', '', (plain, at) => {
    const aad = scope + at;
    const known = prior?.get(aad);
    return known && known.plain === plain ? known.sealed : encryptField(keys, plain, aad);
  }) as T;
}

/**
 * The stored document with its personal data decrypted; a value
 * in clear or sealed for another place throws DataKeyError.
 */
export function openJson<T>(stored: T, scope: string, keys: DataKeys = dataKeys()): T {
  const seen = new Map<string, { plain: string; sealed: string }>();
  const out = mapValue(stored, '', '', (sealed, at) => {
    const aad = scope + at;
    const plain = decryptField(keys, sealed, aad);
    seen.set(aad, { plain, sealed });
    return plain;
  });
  if (seen.size > 0) readFrom.set(out as object, seen);
  return out as T;
}
