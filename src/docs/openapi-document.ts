import { writeFileSync } from 'node:fs';
import { buildApp } from '../app.ts';

/*
 * Writes the OpenAPI document the service serves at /docs/json, from an app built in-process on an
 * empty embedded database (`npm run lint:openapi` lints it). Usage: openapi-document.ts <out.json>
 */
const out = process.argv[2];
if (!out) throw new Error('usage: openapi-document.ts <out.json>');
const app = await buildApp({
  port: 0, host: '127.0.0.1', dataDir: 'memory://', logLevel: 'silent',
  sessionSecret: 'openapi-document-only-0123456789', dataKey: '00'.repeat(32), sessionTtlMinutes: 60,
  sessionMaxHours: 12, dbPoolSize: 2, demo: false, sweepIntervalSeconds: 0, escalationGraceWorkingDays: 2,
  exportMaxRows: 20_000,
}, { logger: false });
try {
  await app.ready();
  writeFileSync(out, JSON.stringify(app.swagger(), null, 2));
} finally {
  await app.close();
}
