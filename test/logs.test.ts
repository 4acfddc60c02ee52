import t from 'tap';
import { makeIdNumber } from '../src/personal-numbers/id-number.ts';
import { freshDatabase } from './helpers/build.ts';
import { portFor, runTool, startService } from './helpers/processes.ts';

// What the running service writes to its log, at the most talkative level: never a password,
// never a whole ID number or phone (masked at the stream), and a line for each reveal.
t.test('the log holds no password and no whole ID number or phone, and records each reveal', async (t) => {
  const databaseUrl = await freshDatabase(t);
  const svc = startService(portFor(5), { ...(databaseUrl ? { DATABASE_URL: databaseUrl } : { DATA_DIR: 'memory://' }), DEMO: 'true', LOG_LEVEL: 'trace' });
  t.teardown(() => { svc.child.kill('SIGKILL'); });
  await svc.ready();
  // Posted as the service's own pages post: JSON with the own Origin (cookie writes need it, ADR 0006).
  const post = (path: string, body: string, cookie = '') => fetch(`${svc.base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', origin: svc.base, cookie }, body });

  const wrong = 'S3cret-Wrong-Pass!';
  t.equal((await post('/api/v1/session', JSON.stringify({ username: 'village-clerk', password: wrong }))).status, 401);
  t.equal((await post('/api/v1/session', `{"username":"village-clerk","password":"${wrong}`)).status, 400, 'a broken body with a password in it');
  t.equal((await post('/api/v1/session', JSON.stringify({ username: 'village-clerk', password: 12345678, extra: wrong }))).status, 422);
  const ok = await post('/api/v1/session', JSON.stringify({ username: 'village-clerk', password: 'demo1234' }));
  const cookie = ok.headers.get('set-cookie')!.split(';')[0]!;
  const idNumber = makeIdNumber('330102', '1977-07-07', 707);
  const phone = '13698765432';
  const created = await post('/api/v1/persons', JSON.stringify({ name: '日志', idNumber, phone }), cookie);
  t.equal(created.status, 201);
  const { id } = (await created.json()) as { id: string };
  await post('/api/v1/persons/search', JSON.stringify({ idNumber }), cookie);
  await fetch(`${svc.base}/api/v1/persons/${idNumber}?phone=${phone}`, { headers: { cookie } });
  await post('/api/v1/persons', JSON.stringify({ name: '日志', idNumber: `${idNumber.slice(0, 17)}0`, phone }), cookie);
  t.equal((await fetch(`${svc.base}/api/v1/persons/${id}?reveal=1`, { headers: { cookie } })).status, 200);
  // Enough answers that some response times have 16 digits or more after the point (they looked like cards).
  for (let i = 0; i < 40; i++) await fetch(`${svc.base}/api/v1/persons/${id}?q=${phone}`, { headers: { cookie } });
  svc.child.kill('SIGTERM');
  t.equal(await svc.exited, 0);

  const log = svc.output();
  const lines = log.split('\n').filter((l) => l.trim());
  const broken = lines.filter((l) => { try { JSON.parse(l); return false; } catch { return true; } });
  t.same(broken, [], `every one of the ${lines.length} log lines is JSON`);
  const times = lines
    .flatMap((l) => { try { return [JSON.parse(l).responseTime]; } catch { return []; } })
    .filter((v) => v !== undefined);
  t.ok(times.length >= 40 && times.every((v) => typeof v === 'number'), `response times stay numbers (${times.length} of them)`);
  t.ok(log.split('\n').length > 20, 'the trace log has plenty to say');
  for (const secret of ['demo1234', wrong, idNumber, phone, cookie.split('=')[1]!]) t.notOk(log.includes(secret), `"${secret.slice(0, 6)}…" is not in the log`);
  t.match(log, /330102\*{8}\d{3}[\dX]/, 'ID numbers appear masked');
  t.match(log, /136\*{4}5432/, 'phones appear masked');
  t.match(log, /personal data revealed/, 'the reveal is logged');

  const added = await runTool('user-add', { ...(databaseUrl ? { DATABASE_URL: databaseUrl } : { DATA_DIR: 'memory://' }), USER_PASSWORD: 'Very-Secret-Password-42', LOG_LEVEL: 'trace' },
    ['--username', 'newbie', '--name', '新人', '--role', 'clerk', '--station', 'xinhe']);
  t.notOk(`${added.stdout}${added.stderr}`.includes('Very-Secret-Password-42'), 'adding a user never prints the password');
});
