import { existsSync, readFileSync } from 'node:fs';
import t from 'tap';
import { DEMO_STANDARDS } from '../src/demo/demo-standards.ts';

// The demo must not present national standards as the district's documents (issue #15 §6).
// The statute texts: the repository's copy (docs/laws) where it has one, else the catalogue beside it.
const FILE = '军人抚恤优待条例(2024-08-05).md';
const found = [new URL(`../docs/laws/${FILE}`, import.meta.url), new URL(`../../shared/catalogue/laws/${FILE}`, import.meta.url)].find((u) => existsSync(u));
if (!found) throw new Error(`${FILE} is neither in docs/laws nor in ../shared/catalogue/laws`);
const ordinance = readFileSync(found, 'utf8');

/** The text of one article, up to the next. */
function article(no: string): string {
  const start = ordinance.indexOf(`\n${no} `);
  if (start < 0) return '';
  const next = ordinance.slice(start + 1).search(/\n第[一二三四五六七八九十百]+条 /);
  return ordinance.slice(start + 1, next < 0 ? undefined : start + 1 + next);
}

t.test('each seeded standard says whose it is, and cites what the ordinance says', async (t) => {
  for (const s of DEMO_STANDARDS) {
    t.equal(s.scope, 'national', `${s.key}: the ordinance has the state set it`);
    t.notMatch(s.policyDocument.issuer, /新河|区/, `${s.key}: not issued by the district`);
    t.match(s.policyDocument.issuer, /全国标准/);
    t.ok(s.note.startsWith('全国标准，不是本区文件。'), `${s.key}: the note says so first`);
    t.match(s.note, /未与退役军人事务部、财政部当年调整标准的通知核对.*2026年12月2日/, 'and that the figures are unchecked examples, dated');
    const no = /^《军人抚恤优待条例》(第[一二三四五六七八九十百]+条)$/.exec(s.policyDocument.number)?.[1];
    const text = no ? article(no) : '';
    t.match(text, /由国务院退役军人工作主管部门会同国务院财政部门规定|^第[^ ]+条 国家按照规定/, `${s.key}: ${no} is an article by which the state sets the standard`);
    for (const m of s.note.matchAll(/([^。；]+)（《军人抚恤优待条例》(第[一二三四五六七八九十百]+条)第[一二三]款）/g)) {
      t.ok(article(m[2]!).includes(m[1]!), `${s.key}: "${m[1]!.slice(0, 20)}…" is the text of ${m[2]}`);
    }
  }
});
