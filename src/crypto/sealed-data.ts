import { dataKeys, decryptField, encryptField, type DataKeys } from './data-key.ts';

/**
 * Personal data inside JSON documents (a case's form data, its history payloads, its agent) kept
 * encrypted at rest field by field: each ID number, bank account or card and phone becomes the
 * `v1:` ciphertext of src/crypto/data-key.ts, still a JSON string, so the document keeps its shape
 * and nothing else in it is touched. The additional authenticated data is the document's scope
 * (table, column, row) and the value's JSON Pointer: a ciphertext moved to another case, history
 * entry or field does not decrypt.
 *
 * Values are recognised by their field's name, not by the definition's formats: the repositories
 * seal and open without knowing the definition (and a document outlives the version it was
 * written under). Every field of format `cn-id-number`, `bank-card` or `cn-mobile` in the
 * definitions is named this way (test/data-at-rest.test.ts checks them all); a new one must be too.
 *
 * Migration 20261124T0010_sealed_case_data.ts carries a frozen copy of the rule: change both or neither.
 */

/** ID numbers, bank accounts and cards, phones: `idNumber`, `payeeIdNumber`, `bankAccount`, `mobile`, `objectorPhone`… */
const SEALED_NAME = /(?:^(?:idNumber|bankAccount|bankCard|mobile|phone)|IdNumber|BankAccount|BankCard|Mobile|Phone)$/;

export function isSealedField(name: string): boolean {
  return SEALED_NAME.test(name);
}

type Leaf = (value: string, aad: string) => string;

function pointerToken(key: string): string {
  return key.includes('~') || key.includes('/') ? key.replace(/~/g, '~0').replace(/\//g, '~1') : key;
}

/** Copies only what changes: the rest of the document is shared, and a document without personal data comes back as it was. */
function mapSealed(value: unknown, at: string, leaf: Leaf): unknown {
  if (Array.isArray(value)) {
    let out: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const v: unknown = value[i];
      if (v === null || typeof v !== 'object') continue;
      const n = mapSealed(v, `${at}/${i}`, leaf);
      if (n !== v) (out ??= value.slice())[i] = n;
    }
    return out ?? value;
  }
  if (value !== null && typeof value === 'object') {
    const o = value as Record<string, unknown>;
    let out: Record<string, unknown> | undefined;
    for (const key of Object.keys(o)) {
      const v = o[key];
      let n = v;
      if (typeof v === 'string') {
        if (SEALED_NAME.test(key)) n = leaf(v, `${at}/${pointerToken(key)}`);
      } else if (v !== null && typeof v === 'object') {
        n = mapSealed(v, `${at}/${pointerToken(key)}`, leaf);
      }
      if (n !== v) (out ??= { ...o })[key] = n;
    }
    return out ?? value;
  }
  return value;
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
  return mapSealed(value, '', (plain, at) => {
    const aad = scope + at;
    const known = prior?.get(aad);
    return known && known.plain === plain ? known.sealed : encryptField(keys, plain, aad);
  }) as T;
}

/** The stored document with its personal data decrypted; a value in clear or sealed for another place throws DataKeyError. */
export function openJson<T>(stored: T, scope: string, keys: DataKeys = dataKeys()): T {
  const seen = new Map<string, { plain: string; sealed: string }>();
  const out = mapSealed(stored, '', (sealed, at) => {
    const aad = scope + at;
    const plain = decryptField(keys, sealed, aad);
    seen.set(aad, { plain, sealed });
    return plain;
  });
  if (seen.size > 0) readFrom.set(out as object, seen);
  return out as T;
}
