import t from 'tap';
import type { FastifyInstance } from 'fastify';
import { MAX_FILE_BYTES } from '../src/rosters/roster.parse.ts';
import { build, login } from './helpers/build.ts';
import { peakDuring } from './helpers/memory.ts';
import { conscriptRows, craftedXlsx, csvBytes, multipart, ROSTER_HEADERS, ROSTER_MAPPING, SHEET_HEAD, SHEET_TAIL, tinyRowsXlsx } from './helpers/rosters.ts';

// Generous: the machine running the suite is often shared; unloaded, the file takes about a minute.
t.setTimeout(600_000);

const MB = 1024 * 1024;

function uploader(app: FastifyInstance, clerk: Record<string, string>) {
  return (bytes: Buffer, name: string) => {
    const body = multipart({ workflowId: 'conscript-family-allowance', period: '2026-H2', mapping: JSON.stringify(ROSTER_MAPPING) }, { name, bytes });
    return app.inject({ method: 'POST', url: '/api/v1/rosters', headers: { ...clerk, ...body.headers }, payload: body.payload });
  };
}

t.test('an XLSX of 1.1 million tiny rows is refused at row 20,001, quickly and in bounded memory; four at once all get an answer', async (t) => {
  const app = await build(t);
  const upload = uploader(app, await login(app, 'district-clerk'));
  const bytes = await tinyRowsXlsx(1_100_000);
  t.ok(bytes.length < MAX_FILE_BYTES, `${(bytes.length / MB).toFixed(1)} MB: small enough to be received`);

  const one = await peakDuring(() => upload(bytes, 'tiny-rows.xlsx'));
  t.comment(`refused in ${one.ms} ms; heap +${one.heapMB} MB, peak RSS +${one.rssMB} MB`);
  t.equal(one.result.statusCode, 413, one.result.body.slice(0, 300));
  t.match(one.result.json(), { code: 'ROSTER_TOO_LARGE', message: /超过20000行.*最多导入20000行/ }, 'the limit, named in Chinese');
  t.ok(one.ms < 20_000, 'refused without reading the rest of the sheet (the whole took 28 s unloaded)');
  t.ok(one.heapMB < 200, 'the heap grows by less than 200 MB');
  t.ok(one.rssMB < 300, 'so does the process');

  const four = await peakDuring(() => Promise.all([1, 2, 3, 4].map((i) => upload(bytes, `tiny-rows-${i}.xlsx`))));
  t.comment(`four at once: ${four.ms} ms; heap +${four.heapMB} MB, peak RSS +${four.rssMB} MB`);
  const answers = four.result.map((r) => ({ status: r.statusCode, code: r.json().code as string, message: r.json().message as string, retryAfter: r.headers['retry-after'] }));
  t.same(answers.map((a) => a.status).sort(), [413, 413, 503, 503], 'two are read (and refused at the limit), two are turned away at once');
  for (const busy of answers.filter((a) => a.status === 503)) {
    t.match(busy, { code: 'IMPORT_BUSY', message: /正在处理2份名册/, retryAfter: '10' }, 'busy: say so in Chinese, and when to come back');
  }
  t.ok(four.heapMB < 200, 'four at once stay within the same bound');
  t.equal((await app.inject({ url: '/health' })).statusCode, 200, 'the service is still there');
  const rows = conscriptRows({ rows: 3, seed: 4000 });
  t.equal((await upload(csvBytes(ROSTER_HEADERS, rows), 'after.csv')).statusCode, 201, 'and the slots were given back');
});

t.test('a CSV of millions of tiny rows likewise', async (t) => {
  const app = await build(t);
  const upload = uploader(app, await login(app, 'district-clerk'));
  const bytes = Buffer.from(`姓名\n${'1\n'.repeat(5_000_000)}`);
  const csv = await peakDuring(() => upload(bytes, 'tiny-rows.csv'));
  t.comment(`refused in ${csv.ms} ms; heap +${csv.heapMB} MB, peak RSS +${csv.rssMB} MB`);
  t.match(csv.result.json(), { code: 'ROSTER_TOO_LARGE', message: /20000行/ });
  t.equal(csv.result.statusCode, 413);
  t.ok(csv.rssMB < 150, 'the rows past the limit are never built');
});

t.test('zip bombs: a sheet that unpacks past 32 MiB, and a cell longer than a spreadsheet can hold', async (t) => {
  const app = await build(t);
  const upload = uploader(app, await login(app, 'district-clerk'));
  // Whitespace between tags: cheap to compress and to parse, so only the unpacked size stops it.
  const huge = await craftedXlsx(SHEET_HEAD, `${' '.repeat(60_000)}<x/>`, 40 * MB, SHEET_TAIL);
  t.ok(huge.length < MB, `${Math.round(huge.length / 1024)} KB that unpack to 40 MB`);
  const bomb = await peakDuring(() => upload(huge, 'bomb.xlsx'));
  t.comment(`refused in ${bomb.ms} ms; heap +${bomb.heapMB} MB, peak RSS +${bomb.rssMB} MB`);
  t.equal(bomb.result.statusCode, 413, bomb.result.body.slice(0, 300));
  t.match(bomb.result.json(), { code: 'ROSTER_TOO_LARGE', message: /解压后内容过大/ });
  t.ok(bomb.heapMB < 200, 'never unpacked whole');

  const cell = await craftedXlsx(`${SHEET_HEAD}<c r="A2" t="inlineStr"><is><t>`, '张', 3 * MB, `</t></is></c>${SHEET_TAIL}`);
  const long = await upload(cell, 'long-cell.xlsx');
  t.equal(long.statusCode, 413, 'a cell of a million characters (Excel holds 32,767) is not a roster');
  t.equal(long.json().code, 'ROSTER_TOO_LARGE');
});
