import t from 'tap';
import { readdirSync, readFileSync } from 'node:fs';
import { catalogue } from '../src/messages/catalogue.ts';

/**
 * The per-area message files the catalogue spreads together. A key defined in two of them would be
 * silently overridden by the later spread, so each key must be defined once, in one file.
 */
const folder = new URL('../src/messages/', import.meta.url);
const areaFiles = readdirSync(folder).filter((f) => f.endsWith('.messages.ts')).sort();

type Entry = { zh: string; en: string };
const areas = await Promise.all(areaFiles.map(async (file) => {
  const module = await import(new URL(file, folder).href) as Record<string, Record<string, Entry>>;
  const source = readFileSync(new URL(file, folder), 'utf8');
  return { file, entries: Object.values(module).flatMap((texts) => Object.entries(texts)), source };
}));

const placeholders = (text: string) => [...new Set(text.match(/\{\w+\}/g) ?? [])].sort();

t.ok(areaFiles.length > 0, 'area files found');

t.test('no key is written twice inside an area file', async (t) => {
  for (const { file, entries, source } of areas) {
    // An object literal keeps the last of two equal keys, so duplicates show only in the source.
    const written = [...source.matchAll(/^\s*([A-Z][A-Z0-9_]*)\s*:\s*\{/gm)].map((m) => m[1]!);
    const twice = written.filter((key, i) => written.indexOf(key) !== i);
    t.same(twice, [], `${file}: keys written twice`);
    t.equal(written.length, entries.length, `${file}: every key is read as written`);
  }
});

t.test('no key is defined in two area files', async (t) => {
  const firstFile = new Map<string, string>();
  for (const { file, entries } of areas) {
    for (const [key] of entries) {
      const other = firstFile.get(key);
      if (other) t.fail(`${key} is defined in ${other} and ${file}`);
      else firstFile.set(key, file);
    }
  }
  t.equal(Object.keys(catalogue).length, firstFile.size, 'the catalogue holds every area file, each key once');
});

t.test('every entry has Chinese and English with the same placeholders', async (t) => {
  for (const { file, entries } of areas) {
    for (const [key, entry] of entries) {
      t.same(Object.keys(entry).sort(), ['en', 'zh'], `${file} ${key}: zh and en only`);
      t.ok(typeof entry.zh === 'string' && entry.zh.trim() !== '', `${file} ${key}: zh is not empty`);
      t.ok(typeof entry.en === 'string' && entry.en.trim() !== '', `${file} ${key}: en is not empty`);
      t.same(placeholders(entry.zh), placeholders(entry.en), `${file} ${key}: the same {placeholders}`);
    }
  }
});
