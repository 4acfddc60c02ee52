import t from 'tap';
import { build, login } from './helpers/build.ts';

const CSP = "default-src 'self';script-src 'self';style-src 'self';img-src 'self';font-src 'self';connect-src 'self';form-action 'self';frame-ancestors 'none';object-src 'none';base-uri 'self'";

t.test('every kind of response carries the security headers (@fastify/helmet)', async (t) => {
  const app = await build(t);
  const clerk = await login(app, 'district-clerk');
  const responses = {
    'an API answer': await app.inject({ url: '/api/v1/chain', headers: clerk }),
    'a refusal (401)': await app.inject({ url: '/api/v1/chain' }),
    'a validation error (422)': await app.inject({ method: 'POST', url: '/api/v1/persons', headers: clerk, payload: { name: '' } }),
    'an unknown route (404)': await app.inject({ url: '/no/such/thing' }),
    'the health check': await app.inject({ url: '/health' }),
    'a login': await app.inject({ method: 'POST', url: '/api/v1/session', payload: { username: 'policy', password: 'demo1234' } }),
  };
  for (const [what, r] of Object.entries(responses)) {
    const h = r.headers;
    t.equal(h['content-security-policy'], CSP, `${what}: a CSP of 'self' only, no inline script or style`);
    t.equal(h['x-content-type-options'], 'nosniff', `${what}: nosniff`);
    t.equal(h['x-frame-options'], 'SAMEORIGIN', `${what}: not framed elsewhere`);
    t.equal(h['referrer-policy'], 'no-referrer', `${what}: no referrer leaks a URL`);
    t.equal(h['cross-origin-opener-policy'], 'same-origin', `${what}: COOP`);
    t.equal(h['cross-origin-resource-policy'], 'same-origin', `${what}: CORP`);
    t.match(h['strict-transport-security'], /max-age=\d{7,}/, `${what}: HSTS (browsers keep to HTTPS once seen over it)`);
    t.notOk(h['x-powered-by'], `${what}: no X-Powered-By`);
  }
  t.equal(responses['an API answer'].headers['cache-control'], 'no-store', 'API answers (personal data) are not cached');
  t.equal(responses['a login'].headers['cache-control'], 'no-store');
  const docs = await app.inject({ url: '/docs' });
  t.equal(docs.statusCode, 200);
  t.match(docs.headers['content-security-policy'], /img-src 'self' data:;/, 'the API documentation may show its data: icons');
  t.match(docs.headers['content-security-policy'], /script-src 'self';/, 'but still runs no inline script');
  t.notMatch(docs.body, /<script>(?!\s*<\/script>)|<script(?![^>]*\bsrc=)[^>]*>/, 'and its page has none');
});

t.test('limits and timeouts are set on purpose', async (t) => {
  const app = await build(t);
  t.equal(app.initialConfig.bodyLimit, 1024 * 1024, 'request bodies: 1 MiB');
  t.equal((app.initialConfig as { requestTimeout?: number }).requestTimeout, 30_000, 'a request must arrive whole within 30 s');
  t.equal(app.initialConfig.connectionTimeout, 30_000, 'an idle socket is closed after 30 s');
  const clerk = await login(app, 'district-clerk');
  const big = await app.inject({ method: 'POST', url: '/api/v1/persons/search', headers: { ...clerk, 'content-type': 'application/json' }, payload: JSON.stringify({ name: 'x'.repeat(1024 * 1024) }) });
  t.equal(big.statusCode, 413);
  t.equal(big.json().code, 'PAYLOAD_TOO_LARGE');
  const login16k = await app.inject({ method: 'POST', url: '/api/v1/session', headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ username: 'a', password: 'p'.repeat(20_000) }) });
  t.equal(login16k.statusCode, 413, 'a login body is at most 16 KiB');
});
