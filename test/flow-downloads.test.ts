import t from 'tap';
import { parse } from 'content-disposition';
import { disposition } from '../src/http/download.ts';
import { build, login } from './helpers/build.ts';
import { listen } from './helpers/browser.ts';
import { dischargeIntake, openCase, send } from './helpers/fixtures.ts';
import { PageClient } from './helpers/pages.ts';

// A 1×1 PNG: a photo of a certificate, as far as the test cares.
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGP4z8AAAAMBAQDJ/pLvAAAAAElFTkSuQmCC', 'base64');

/** The header's parts, `filename*` decoded by hand (RFC 5987: UTF-8, percent-encoded) and by the library. */
function named(header: string | null) {
  const raw = header ?? '';
  const star = /filename\*=UTF-8''([^;\s]+)/i.exec(raw)?.[1];
  const plain = /(?:^|;)\s*filename=(?:"([^"]*)"|([^;\s]*))/i.exec(raw);
  // The package's parser prefers filename* over filename, as RFC 6266 asks of a client.
  const read = parse(raw);
  return {
    type: read.type, fallback: plain?.[1] ?? plain?.[2],
    name: star && decodeURIComponent(star), parsed: read.parameters.filename,
  };
}

t.test('every download is saved under its Chinese name: notices, attachments, CSV exports (real HTTP)', async (t) => {
  const app = await build(t);
  const clerk = await login(app, 'district-clerk');
  const c = (await openCase(app, clerk, 'discharge-reporting', 'p-zhang-wei')).json() as { id: string };
  t.equal((await send(app, clerk, c.id, 'SUBMIT', dischargeIntake, 1)).statusCode, 200);
  const notices = (await app.inject({ url: `/api/v1/cases/${c.id}/notices`, headers: clerk })).json() as { items: { code: string; title: string }[] };
  t.ok(notices.items.length >= 1, 'the step issued notices');
  const base = await listen(app);
  const get = (path: string, headers = clerk) => fetch(`${base}${path}`, { headers: { cookie: headers.cookie!, 'accept-language': headers['accept-language']! } });

  for (const n of notices.items) {
    const saved = await get(`/api/v1/notices/${n.code}.pdf?download=1`);
    t.equal(saved.status, 200);
    const h = named(saved.headers.get('content-disposition'));
    t.equal(h.type, 'attachment', `${n.title}: the 下载 link saves the file`);
    t.equal(h.name, `${n.title}-张伟.pdf`, 'filename* decodes to the notice\'s title and the person\'s name');
    t.equal(h.parsed, h.name, 'as the content-disposition package reads it too');
    t.equal(h.fallback, `notice-${n.code}.pdf`, 'with an ASCII name for clients that read only filename');
    t.equal(Buffer.from(await saved.arrayBuffer()).subarray(0, 5).toString('latin1'), '%PDF-');
    const opened = named((await get(`/api/v1/notices/${n.code}.pdf`)).headers.get('content-disposition'));
    t.equal(opened.type, 'inline', '打开打印 still opens it in the browser');
    t.equal(opened.name, `${n.title}-张伟.pdf`, 'under the same name');
  }
  t.equal((await get(`/api/v1/notices/${notices.items[0]!.code}.pdf?download=yes`)).status, 400, 'an unknown download value is refused');

  // An attachment whose name carried a path, a bidi override and a control character.
  const pages = new PageClient(app);
  await pages.login('district-clerk');
  await pages.get(`/cases/${c.id}`);
  const up = await pages.postMultipart(`/cases/${c.id}/attachments`, {}, [{ field: 'file._other', filename: 'scans/退役证\u202e\u0007正面.png', type: 'image/png', bytes: PNG }]);
  t.equal(up.statusCode, 303, up.body.slice(0, 200));
  const view = (await app.inject({ url: `/api/v1/cases/${c.id}?reveal=1`, headers: clerk })).json() as { history: { type: string; payload: { files?: { attachmentId: string }[] } }[] };
  const attachmentId = view.history.find((h) => h.type === 'ATTACH')!.payload.files![0]!.attachmentId;
  const file = await get(`/attachments/${attachmentId}?download=1`, { cookie: Object.entries(Object.fromEntries(pages.cookies)).map(([k, v]) => `${k}=${v}`).join('; '), 'accept-language': 'zh-CN' });
  t.equal(file.status, 200);
  const fh = named(file.headers.get('content-disposition'));
  t.equal(fh.type, 'attachment');
  t.equal(fh.name, '退役证正面.png', 'the stored name, without the path, the override or the control character');
  t.match(fh.fallback, /^attachment-[0-9a-f-]+\.png$/);

  // The supervisor's CSV export.
  const supervisor = await login(app, 'supervisor');
  const csv = await get('/api/v1/reports/bottlenecks?from=2026-01-01&to=2026-12-31&format=csv', supervisor);
  t.equal(csv.status, 200);
  const ch = named(csv.headers.get('content-disposition'));
  t.equal(ch.type, 'attachment');
  t.equal(ch.name, '环节用时统计-2026-01-01至2026-12-31.csv');
  t.equal(ch.fallback, 'bottlenecks-2026-01-01-2026-12-31.csv');
});

t.test('names lose separators and hidden characters; an ASCII name needs no filename*', async (t) => {
  const h = named(disposition('退役军人报到登记表-张/伟\\:*?"<>|\u0000\u202e\u200b.pdf', 'form\u00e9.pdf'));
  t.equal(h.name, '退役军人报到登记表-张伟.pdf');
  t.equal(h.fallback, 'form.pdf', 'the fallback is plain ASCII');
  t.equal(disposition('cases.csv', 'cases.csv'), 'attachment; filename=cases.csv');
  t.equal(named(disposition('\u202e', 'x.csv')).fallback, 'x.csv', 'a name of nothing but hidden characters falls back');
});
