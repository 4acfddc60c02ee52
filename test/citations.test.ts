import t from 'tap';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { INSTRUMENTS, instrumentLabel, resolveInstrument, type Instrument } from '../src/definitions/instruments.ts';
import type { WorkflowDefinition } from '../src/definitions/definition.types.ts';
import { sampleForm } from '../src/notices/notice-samples.ts';
import { SAMPLES } from '../src/notices/render-samples.ts';
import { citationsIn, flat, LAWS_DIR, statuteOf, textAt } from './helpers/statutes.ts';

const ROOT = new URL('../', import.meta.url);
const read = (rel: string) => readFileSync(new URL(rel, ROOT), 'utf8');
const list = (dir: string, ext: string) => readdirSync(new URL(dir, ROOT)).filter((f) => f.endsWith(ext)).sort().map((f) => `${dir}${f}`);
const WORKFLOWS = list('workflows/', '.json');
const definitions = new Map(WORKFLOWS.map((f) => {
  const def = JSON.parse(read(f)) as WorkflowDefinition;
  return [def.id, def];
}));

/** Where a passage of an instrument stands: an article (or one of its 款), or the header. */
function passage(instrument: Instrument, article?: string): string | undefined {
  const statute = statuteOf(instrument);
  if (!statute) return undefined;
  return article ? textAt(statute, article) : flat(statute.header);
}

/** Problems with one legalBasis entry of a definition. */
function basisProblems(b: { instrument: string; article: string; text?: string }): string[] {
  const instrument = resolveInstrument(b.instrument);
  if (!instrument) return [`${b.instrument}: not in docs/laws/instruments.json`];
  const label = `${instrumentLabel(instrument)}${b.article}`;
  const out: string[] = [];
  if (instrument.status !== 'in-force') out.push(`${label}: ${instrument.status} (${instrument.statusDate}), replaced by ${instrument.replacedBy}`);
  if (!instrument.file) return out;
  const text = passage(instrument, b.article);
  if (text === undefined) out.push(`${label}: no such article in docs/laws/${instrument.file}`);
  else if (b.text !== undefined && !text.includes(flat(b.text))) out.push(`${label}: the quoted text is not in the article: ${b.text.slice(0, 30)}…`);
  return out;
}

/** Problems with the 《…》第N条 citations of a free text; `item` closes the articles to that item's legal basis. */
function textProblems(text: string, item?: WorkflowDefinition): string[] {
  const out: string[] = [];
  for (const c of citationsIn(text)) {
    const instrument = resolveInstrument(c.instrument);
    if (!instrument) { out.push(`《${c.instrument}》: not in docs/laws/instruments.json`); continue; }
    if (instrument.status !== 'in-force') out.push(`《${c.instrument}》: ${instrument.status}, replaced by ${instrument.replacedBy}`);
    if (!instrument.file) continue;
    const own = item?.legalBasis.filter((b) => resolveInstrument(b.instrument) === instrument).map((b) => b.article.replace(/第[^条]+款$/, ''));
    for (const a of c.articles) {
      if (passage(instrument, a) === undefined) out.push(`《${c.instrument}》${a}: no such article in docs/laws/${instrument.file}`);
      else if (own && !own.includes(a.replace(/第[^条]+款$/, ''))) out.push(`《${c.instrument}》${a}: not in ${item!.id}'s legal basis`);
    }
  }
  return out;
}

/**
 * A refusal's reason and its basis must be about the same thing. Each subject a reason can name is
 * tied to the words of the article that settles it.
 */
const SUBJECTS: { reason: RegExp; article: string }[] = [
  { reason: /安置地(?:不在|为)/, article: '的安置地为' },
];

function pairProblems(reason: string, legalBasis: string): string[] {
  const cited = citationsIn(legalBasis).flatMap((c) => {
    const instrument = resolveInstrument(c.instrument);
    return instrument ? c.articles.map((a) => passage(instrument, a) ?? '') : [];
  });
  return SUBJECTS.filter((s) => s.reason.test(reason) && !cited.some((text) => text.includes(s.article)))
    .map((s) => `"${reason.slice(0, 20)}…" cites ${legalBasis}, but no article cited says "${s.article}"`);
}

/** Every object in a sample file that carries a reason and a basis, the way a refusal form does. */
function refusals(value: unknown): { reason: string; legalBasis: string }[] {
  if (Array.isArray(value)) return value.flatMap(refusals);
  if (!value || typeof value !== 'object') return [];
  const o = value as Record<string, unknown>;
  const own = typeof o.legalBasis === 'string' && typeof (o.details ?? o.reason) === 'string' ? [{ reason: String(o.details ?? o.reason), legalBasis: o.legalBasis }] : [];
  return [...own, ...Object.values(o).flatMap(refusals)];
}

const CATALOGUE = process.env.CATALOGUE_LAWS_DIR ?? fileURLToPath(new URL('../shared/catalogue/laws/', ROOT));

t.test('docs/laws holds byte-for-byte copies of the catalogue\'s statute texts', { skip: existsSync(CATALOGUE) ? false : `no catalogue at ${CATALOGUE}: set CATALOGUE_LAWS_DIR to check the copies` }, async (t) => {
  const theirs = readdirSync(CATALOGUE).filter((f) => f.endsWith('.md')).sort();
  const ours = readdirSync(LAWS_DIR).filter((f) => f.endsWith('.md') && f !== 'README.md').sort();
  t.same(ours, theirs, 'the same files');
  for (const f of theirs) t.ok(readFileSync(new URL(f, LAWS_DIR)).equals(readFileSync(`${CATALOGUE}/${f}`)), `${f} is identical`);
});

t.test('the register: every instrument has a text here or says where it was seen, and its status is shown', async (t) => {
  const files = new Set(readdirSync(LAWS_DIR));
  for (const i of INSTRUMENTS) {
    const label = instrumentLabel(i);
    if (i.file) t.ok(files.has(i.file) && !i.notInFolder, `${label}: its text is docs/laws/${i.file}`);
    else t.match(i.notInFolder, { source: /.+/, checkedOn: '2026-12-02', note: /.+/ }, `${label}: not in the folder, with source and date`);
    if (i.local) t.ok(i.notInFolder && !i.file, `${label}: a local document is marked, with its source`);
    t.equal(resolveInstrument(label), i, `${label} resolves to itself`);
    if (i.status !== 'in-force') t.equal(resolveInstrument(i.replacedBy ?? '')?.status, 'in-force', `${label} names what replaced it`);
    if (i.evidence) {
      const where = resolveInstrument(i.evidence.instrument ?? label)!;
      t.ok(passage(where, i.evidence.article)?.includes(flat(i.evidence.text)), `${label}: the status is shown by ${instrumentLabel(where)}${i.evidence.article ?? '（题注）'}`);
    } else t.ok(i.notInFolder, `${label}: no text here shows its status; the register's source stands for it`);
  }
});

t.test('the checks catch what they are for', async (t) => {
  t.match(basisProblems({ instrument: '中华人民共和国退役军人保障法', article: '第八条', text: '国家建立退役军人信息管理系统，对退役军人建档立卡。' }), [/not in the article/], 'an invented text');
  t.match(basisProblems({ instrument: '退役士兵安置条例（2011）', article: '第五十三条', text: '本条例自2011年11月1日起施行。' }), [/repealed .*退役军人安置条例（2024）/], 'a repealed instrument');
  t.match(basisProblems({ instrument: '退役军人安置条例（2024）', article: '第九十四条' }), [/no such article/], 'an article past the end');
  t.match(basisProblems({ instrument: '中华人民共和国军人地位和权益保障法', article: '第三十条第二款', text: '国家建立军人礼遇仪式制度。' }), [/not in the article/], 'a quotation from another paragraph');
  t.match(basisProblems({ instrument: '某某条例', article: '第一条' }), [/not in docs\/laws\/instruments.json/], 'an unknown instrument');
  t.same(basisProblems({ instrument: '信访工作条例（2022）', article: '第三十四条' }), [], 'an instrument not in the folder is taken as the register marks it');
  t.match(textProblems('依据《退役军人保障法》第六十一条', definitions.get('hardship-assistance')), [/not in hardship-assistance's legal basis/], 'an article outside the item\'s basis');
  t.match(textProblems('《退役军人保障法》第八十六条'), [/no such article/], 'an article the law does not have');
  t.match(pairProblems('其安置地不在本区', '《退役军人安置条例》第五十一条、第五十三条'), [/的安置地为/], 'the 报到 article cited for 安置地');
  t.same(pairProblems('其安置地不在本区', '《退役军人安置条例》第四十五条'), [], 'the article that settles 安置地');
});

for (const f of WORKFLOWS) {
  t.test(`${f}: every legal basis is an article in force, quoted verbatim`, async (t) => {
    const def = definitions.get(JSON.parse(read(f)).id)!;
    t.same(def.legalBasis.flatMap(basisProblems), []);
  });
}

t.test('samples, notices and the README cite articles that exist, in force, and fit the reason', async (t) => {
  const problems: string[] = [];
  const scan = (file: string, item?: WorkflowDefinition) => problems.push(...textProblems(read(file), item).map((p) => `${file}: ${p}`));
  for (const f of ['README.md', ...list('docs/adr/', '.md'), ...list('templates/notices/', '.hbs'), ...WORKFLOWS, ...list('src/payments/', '.ts'), ...list('src/demo/', '.ts'),
    'src/notices/notice-samples.ts', 'src/notices/render-samples.ts']) scan(f);
  for (const f of list('workflows/samples/', '.json')) {
    const sample = JSON.parse(read(f));
    scan(f, definitions.get(f.replace(/^.*\/|\.json$/g, '')));
    for (const r of refusals(sample)) problems.push(...pairProblems(r.reason, r.legalBasis).map((p) => `${f}: ${p}`));
  }
  for (const s of SAMPLES) {
    const data = s.data as { reason?: string; legalBasis?: string } | undefined;
    if (!data?.legalBasis) continue;
    problems.push(...textProblems(data.legalBasis, definitions.get(s.workflow)).map((p) => `render-samples ${s.kind}: ${p}`));
    if (data.reason) problems.push(...pairProblems(data.reason, data.legalBasis).map((p) => `render-samples ${s.kind}: ${p}`));
  }
  const specimen = sampleForm({ type: 'object', properties: { reason: { type: 'string' }, legalBasis: { type: 'string' } } }) as { reason: string; legalBasis: string };
  problems.push(...pairProblems(specimen.reason, specimen.legalBasis).map((p) => `notice-samples: ${p}`));
  t.same(problems, []);
});
