import t from 'tap';
import { build } from './helpers/build.ts';

t.test('health and readiness', async (t) => {
  const app = await build(t);
  const health = await app.inject({ url: '/health' });
  t.equal(health.statusCode, 200);
  const ready = await app.inject({ url: '/ready' });
  t.equal(ready.statusCode, 200);
  t.equal(ready.json().database, process.env.DATABASE_URL ? 'postgresql' : 'embedded');
  const docs = await app.inject({ url: '/docs/json' });
  t.equal(docs.statusCode, 200, 'OpenAPI document is public');
  t.ok(docs.json().paths['/api/v1/cases/{id}/events'], 'events route is documented');
});
