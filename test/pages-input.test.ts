import t from 'tap';
import { build, login } from './helpers/build.ts';
import { PageClient, wholePdf } from './helpers/pages.ts';

// What a page takes from a browser that it must not trust: where to go next, and uploaded files.

t.setTimeout(240_000);

const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGP4z8AAAAMBAQDJ/pLvAAAAAElFTkSuQmCC', 'base64');

/** How a browser reads a Location: tabs and newlines dropped, backslashes as slashes. */
function asBrowserReads(location: string): string {
  return location.replace(/[\t\n\r]/g, '').replaceAll('\\', '/');
}

t.test('next: only a path of this site, whatever it holds; never a 5xx', async (t) => {
  const app = await build(t);
  const hostile = ['/\t/evil.example', '/\n/evil.example', '/\r\n/evil.example', '/\\evil.example', '/\t\\evil.example', '/.//evil.example', '/a/..//evil.example',
    '//evil.example', 'https://evil.example/', '/\u0000', '/a\u0001b', '/x\u007f', '/\u0085x', '\u202e/evil', '/%0d%0aSet-Cookie:x=1', '/案件?名=张#节', 'x'.repeat(3000)];
  for (const next of hostile) {
    const c = new PageClient(app);
    const page = await c.get(`/login?next=${encodeURIComponent(next)}`);
    t.equal(page.statusCode, 200, `GET /login?next=${JSON.stringify(next)}`);
    const answers = [await c.post('/login', { username: 'district-clerk', password: 'demo1234', next })];
    // Logging in makes the login page's token stale (it is bound to the session); a browser then
    // shows a page of this site, whose forms carry the new session's token.
    await c.get('/');
    answers.push(await c.post('/counter', { on: '1', next }), await c.post('/session/extend', { next }));
    for (const r of answers) {
      t.equal(r.statusCode, 303, `${JSON.stringify(next)}: a redirect`);
      const where = asBrowserReads(String(r.headers.location));
      t.ok(where.startsWith('/') && !where.startsWith('//'), `${JSON.stringify(next)} → ${JSON.stringify(r.headers.location)}: a path of this site`);
    }
  }
  const c = new PageClient(app);
  await c.get('/login');
  const back = await c.post('/login', { username: 'district-clerk', password: 'demo1234', next: '/persons/p-zhang-wei?tab=cases' });
  t.equal(back.headers.location, '/persons/p-zhang-wei?tab=cases', 'a plain path is kept as it was');
  await c.follow(back);
  const cjk = await c.post('/counter', { on: '0', next: '/案件' });
  t.equal(cjk.headers.location, '/%E6%A1%88%E4%BB%B6', 'other characters arrive percent-encoded');
});

t.test('uploads: only whole PDF, JPEG and PNG files; hidden characters leave the file name', async (t) => {
  const app = await build(t);
  const api = await login(app, 'district-clerk');
  const opened = await app.inject({ method: 'POST', url: '/api/v1/cases', headers: api, payload: { workflowId: 'discharge-reporting', personId: 'p-zhang-wei' } });
  const caseId = opened.json().id as string;
  const clerk = new PageClient(app);
  await clerk.login('district-clerk');
  await clerk.get(`/cases/${caseId}`);
  const pdf = await wholePdf();
  const jpeg = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 16]), Buffer.from('JFIF\0'), Buffer.alloc(64, 7), Buffer.from([0xff, 0xd9])]);
  const refused: [string, Buffer][] = [
    ['page.pdf', Buffer.from('%PDF-1.7\n<html><script>alert(1)</script></html>')],
    ['fake-trailer.pdf', Buffer.from('%PDF-1.4\n<script>alert(1)</script>\n%%EOF\n')],
    ['cut.pdf', pdf.subarray(0, Math.floor(pdf.length / 2))],
    ['no-end.jpg', jpeg.subarray(0, jpeg.length - 2)],
    ['cut.png', PNG.subarray(0, PNG.length - 12)],
  ];
  for (const [filename, bytes] of refused) {
    const r = await clerk.postMultipart(`/cases/${caseId}/attachments`, {}, [{ field: 'file._other', filename, type: 'application/octet-stream', bytes }]);
    t.equal(r.statusCode, 422, `${filename} is refused`);
    t.match(r.body, `文件「${filename}」不是PDF、JPEG或PNG格式，或文件不完整`);
  }
  const names = ['scan\u202egnp.exe.pdf', 'photo\u200f\u2066\u0085.jpg', 'small\u0007.png'];
  const ok = await clerk.postMultipart(`/cases/${caseId}/attachments`, {}, [
    { field: 'file._other', filename: names[0]!, type: 'application/pdf', bytes: pdf },
    { field: 'file._other', filename: names[1]!, type: 'image/jpeg', bytes: Buffer.concat([jpeg, Buffer.alloc(3)]) },
    { field: 'file._other', filename: names[2]!, type: 'image/png', bytes: PNG },
  ]);
  t.equal(ok.statusCode, 303, 'whole files are taken (a JPEG padded with NULs too)');
  const view = (await app.inject({ url: `/api/v1/cases/${caseId}`, headers: api })).json();
  const files = view.history.filter((h: { type: string }) => h.type === 'ATTACH').flatMap((h: { payload: { files: unknown[] } }) => h.payload.files);
  t.match(files, [{ filename: 'scangnp.exe.pdf', mime: 'application/pdf' }, { filename: 'photo.jpg', mime: 'image/jpeg' }, { filename: 'small.png', mime: 'image/png' }],
    'stored by their real type, the names without bidi overrides, marks, isolates or controls');
  t.equal(files.length, 3, 'and nothing of the refused ones');
});
