import t from 'tap';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { insertSession, newToken, tokenHash } from '../src/auth/session.repository.ts';
import { build, login, OWN_ORIGIN, SECRET } from './helpers/build.ts';
import { chromiumMissing, launch, listen, logIn } from './helpers/browser.ts';
import { PageClient } from './helpers/pages.ts';
import { payingElderlySubsidy } from './helpers/payments.ts';

t.setTimeout(240_000);

type Headers = Record<string, string>;

/** A draft 老年生活补助 batch of one paying case, built by district-clerk: district-clerk-2 is the one who may approve it. */
async function draftBatch(app: FastifyInstance, users: Record<string, Headers>): Promise<string> {
  await payingElderlySubsidy(app, users, 1);
  const built = await app.inject({ method: 'POST', url: '/api/v1/payment-batches', headers: users['district-clerk'], payload: { workflowId: 'rural-veteran-elderly-subsidy', period: '2026' } });
  if (built.statusCode !== 201) throw new Error(built.body.slice(0, 400));
  return built.json().id as string;
}

async function usersOf(app: FastifyInstance): Promise<Record<string, Headers>> {
  return Object.fromEntries(await Promise.all(['village-clerk', 'town-clerk', 'district-clerk', 'district-clerk-2'].map(async (u) => [u, await login(app, u)] as const)));
}

async function batchStatus(app: FastifyInstance, headers: Headers, id: string): Promise<string> {
  return (await app.inject({ url: `/api/v1/payment-batches/${id}`, headers })).json().status;
}

t.test('a page on another port auto-submits a text/plain form to approve a batch while the second approver is logged in: refused, the batch stays a draft', { skip: chromiumMissing }, async (t) => {
  const app = await build(t);
  const users = await usersOf(app);
  const batchId = await draftBatch(app, users);
  const base = await listen(app);

  // The attacker's page: same host (same site, so the Lax session cookie goes along), another port.
  const target = `${base}/api/v1/payment-batches/${batchId}/approve`;
  const html = `<!doctype html><body><form method="POST" enctype="text/plain" action="${target}"><input type="hidden" name='{"a":"' value='"}'></form>
    <script>document.forms[0].submit()</script></body>`;
  const attacker = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end(html));
  await new Promise<void>((resolve) => attacker.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise<void>((resolve) => attacker.close(() => resolve())));
  const evil = `http://127.0.0.1:${(attacker.address() as AddressInfo).port}`;

  const browser = await launch(t);
  const page = await (await browser.newContext()).newPage();
  await logIn(page, base, 'district-clerk-2');
  const answer = page.waitForResponse((r) => r.url() === target);
  await page.goto(`${evil}/`);
  const res = await answer;
  t.equal(res.status(), 403, 'the forged approval is refused');
  t.equal((await res.json()).code, 'CSRF_REFUSED');
  t.equal(await batchStatus(app, users['district-clerk']!, batchId), 'draft', 'the batch stays unapproved: two people are still needed');
});

t.test('cookie-authenticated API writes need a JSON body and our own origin; bearer tokens and the login are handled as they need', async (t) => {
  const app = await build(t, { config: { notices: { publicBaseUrl: 'https://veterans.xinhe.example/' } } });
  const users = await usersOf(app);
  const batchId = await draftBatch(app, users);
  const approver = users['district-clerk-2']!;
  const { origin: _, ...noOrigin } = approver;
  const approve = (headers: Headers, payload?: string) => app.inject({ method: 'POST', url: `/api/v1/payment-batches/${batchId}/approve`, headers, payload });
  const refused = async (name: string, res: Awaited<ReturnType<typeof approve>>) => {
    t.equal(res.statusCode, 403, name);
    t.match(res.json(), { code: 'CSRF_REFUSED', message: /请求来源无法确认/ }, `${name}: CSRF_REFUSED, in Chinese`);
  };

  await refused('text/plain with the cookie', await approve({ ...approver, 'content-type': 'text/plain' }, '{"a":"=\\"}"}'));
  await refused('a urlencoded form', await approve({ ...approver, 'content-type': 'application/x-www-form-urlencoded' }, 'a=b'));
  await refused('multipart where the route takes no upload', await approve({ ...approver, 'content-type': 'multipart/form-data; boundary=x' }, '--x--\r\n'));
  await refused('JSON from a foreign origin', await approve({ ...approver, origin: 'http://127.0.0.1:4000', 'content-type': 'application/json' }, '{}'));
  await refused('JSON from the same host on another port', await approve({ ...approver, origin: 'http://localhost:8080', 'content-type': 'application/json' }, '{}'));
  await refused('an opaque origin (Origin: null)', await approve({ ...approver, origin: 'null', 'content-type': 'application/json' }, '{}'));
  await refused('no Origin, no Referer, no custom header', await approve({ ...noOrigin, 'content-type': 'application/json' }, '{}'));
  await refused('no Origin and a foreign Referer', await approve({ ...noOrigin, referer: 'http://evil.example/page' }));
  await refused('a forged cancel', await app.inject({ method: 'POST', url: `/api/v1/payment-batches/${batchId}/cancel`, headers: { ...users['district-clerk']!, 'content-type': 'text/plain' }, payload: 'x' }));
  await refused('a forged roster commit', await app.inject({ method: 'POST', url: '/api/v1/rosters/r-none/commit', headers: { ...users['district-clerk']!, 'content-type': 'text/plain' }, payload: 'x' }));
  await refused('a multipart upload from a foreign origin', await app.inject({ method: 'POST', url: '/api/v1/rosters', headers: { ...users['district-clerk']!, origin: 'http://evil.example', 'content-type': 'multipart/form-data; boundary=x' }, payload: '--x--\r\n' }));
  t.equal(await batchStatus(app, approver, batchId), 'draft', 'none of them approved or cancelled it');

  // What the service's own pages and scripts send.
  const search = (headers: Headers) => app.inject({ method: 'POST', url: '/api/v1/persons/search', headers: { ...headers, 'content-type': 'application/json' }, payload: { name: '老兵1' } });
  t.equal((await search({ ...noOrigin, referer: `${OWN_ORIGIN}/persons/new` })).statusCode, 200, 'no Origin, our Referer');
  t.equal((await search({ ...noOrigin, 'x-requested-with': 'XMLHttpRequest' })).statusCode, 200, 'no Origin, a header no form can send');
  t.equal((await search({ ...approver, origin: 'https://veterans.xinhe.example' })).statusCode, 200, "PUBLIC_BASE_URL's origin (a proxy that does not pass the Host on)");
  t.equal((await search({ ...approver, origin: 'https://localhost' })).statusCode, 403, 'the scheme is part of the origin');
  t.equal((await search({ ...approver, origin: 'https://localhost', 'x-forwarded-proto': 'https' })).statusCode, 403, 'X-Forwarded-Proto is not believed without TRUST_PROXY');
  const ok = await approve({ ...approver, 'content-type': 'application/json' }, '{}');
  t.equal(ok.statusCode, 200, 'JSON from our own origin');
  t.equal(ok.json().status, 'approved');

  // A bearer token is never sent by a browser on its own: no Origin needed.
  const token = newToken();
  await insertSession(app.db, { hash: tokenHash(SECRET, token), userId: 'u-district-clerk', kind: 'api', now: new Date(), expiresAt: new Date(Date.now() + 86_400_000) });
  t.equal((await search({ authorization: `Bearer ${token}` })).statusCode, 200, 'bearer without Origin');

  // The login sets the cookie: no form may post it (it would log the victim in as the attacker).
  const loginWith = (headers: Headers, payload: string) => app.inject({ method: 'POST', url: '/api/v1/session', headers, payload });
  const credentials = JSON.stringify({ username: 'district-clerk', password: 'demo1234' });
  await refused('a login posted as text/plain', await loginWith({ 'content-type': 'text/plain' }, credentials));
  await refused('a login posted as a urlencoded form', await loginWith({ 'content-type': 'application/x-www-form-urlencoded' }, 'username=district-clerk&password=demo1234'));
  await refused('a JSON login from a foreign origin', await loginWith({ 'content-type': 'application/json', origin: 'http://127.0.0.1:4000' }, credentials));
  t.equal((await loginWith({ 'content-type': 'application/json', origin: OWN_ORIGIN }, credentials)).statusCode, 200, 'a login from our own pages');
  t.equal((await loginWith({ 'content-type': 'application/json' }, credentials)).statusCode, 200, 'a login by a script (no Origin)');
});

t.test('behind a trusted proxy the origin is the one the proxy was asked for', async (t) => {
  const app = await build(t, { config: { trustProxy: true } });
  const clerk = await login(app, 'district-clerk');
  const search = (headers: Headers) => app.inject({ method: 'POST', url: '/api/v1/persons/search', headers: { ...clerk, 'content-type': 'application/json', ...headers }, payload: { name: '张伟' } });
  t.equal((await search({ origin: 'https://veterans.xinhe.example', 'x-forwarded-proto': 'https', 'x-forwarded-host': 'veterans.xinhe.example' })).statusCode, 200);
  t.equal((await search({ origin: 'http://localhost', 'x-forwarded-proto': 'https', 'x-forwarded-host': 'veterans.xinhe.example' })).statusCode, 403, 'not the inner address then');
});

t.test('page forms: the token belongs to its session, and an opaque origin is refused', async (t) => {
  const app = await build(t);
  const a = new PageClient(app);
  const b = new PageClient(app);
  await a.login('district-clerk');
  await b.login('district-clerk-2');
  const home = await a.get('/');
  t.equal(home.headers['referrer-policy'], 'same-origin', 'pages keep their Origin on their own forms (no-referrer would make it null) and tell other sites nothing');
  const tokenA = a.csrf!;
  const csrfA = a.cookies.get('csrf')!;
  const counter = (client: PageClient, cookie: string, token: string) => client.app.inject({
    method: 'POST', url: '/counter', payload: new URLSearchParams({ _csrf: token, on: '1', next: '/' }).toString(),
    headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
  });

  t.equal((await counter(a, a.cookieHeader(), tokenA)).statusCode, 303, 'session A with its own token');
  const stolen = await counter(b, b.cookieHeader(), tokenA);
  t.equal(stolen.statusCode, 403, "session A's token in session B");
  t.match(stolen.body, '页面已过期或来源不明');
  // A page on another port of this host can set cookies here (cookies ignore ports): its own csrf
  // cookie and token do not fit the victim's session.
  const tossed = await counter(b, `sid=${b.cookies.get('sid')}; csrf=${csrfA}`, tokenA);
  t.equal(tossed.statusCode, 403, "session A's csrf cookie and token with session B's login");
  t.equal((await b.post('/counter', { on: '1', next: '/' })).statusCode, 303, "session B's own token still works");

  const opaque = await b.post('/counter', { on: '1', next: '/' }, { headers: { origin: 'null' } });
  t.equal(opaque.statusCode, 403, 'Origin: null (a sandboxed frame or a data: page) is refused');
  t.match(opaque.body, '页面已过期或来源不明');
  t.equal((await b.post('/counter', { on: '1', next: '/' }, { headers: { origin: OWN_ORIGIN } })).statusCode, 303, 'our own Origin is fine');
  t.equal((await b.post('/counter', { on: '1', next: '/' }, { headers: { origin: 'http://localhost:8080' } })).statusCode, 403, 'another port is another origin');

  // Logging out ends the forms of that session; the login page then gives a token of its own.
  await b.post('/logout', {});
  t.equal((await b.post('/login', { username: 'district-clerk-2', password: 'demo1234' })).statusCode, 403, 'a form drawn before logging out');
  await b.get('/login');
  t.equal((await b.post('/login', { username: 'district-clerk-2', password: 'demo1234' })).statusCode, 303, 'the login page drawn after it');
});
