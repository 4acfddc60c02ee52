import t from 'tap';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { build, login } from './helpers/build.ts';
import { repoRoot } from './helpers/processes.ts';

t.setTimeout(600_000);

const base = JSON.parse(readFileSync(new URL('../workflows/discharge-reporting.json', import.meta.url), 'utf8'));

t.test('lint is for policy staff; a definition over 512 KiB is refused before it is compiled', async (t) => {
  const app = await build(t);
  const policy = await login(app, 'policy');
  const lint = (headers: Record<string, string>, definition: unknown) =>
    app.inject({ method: 'POST', url: '/api/v1/workflows/discharge-reporting/lint', headers, payload: { definition } });
  t.equal((await lint(await login(app, 'district-clerk'), base)).statusCode, 403, 'a clerk may not lint');
  t.equal((await lint(await login(app, 'supervisor'), base)).statusCode, 403, 'nor a supervisor');
  t.same((await lint(policy, base)).json().findings, [], 'policy staff may');

  const bulky = { ...base, legalBasis: [...base.legalBasis, ...Array.from({ length: 1000 }, (_, i) => ({ instrument: base.legalBasis[0].instrument, article: `第${i + 1}条`, text: '条'.repeat(200) }))] };
  const size = Buffer.byteLength(JSON.stringify({ definition: bulky }));
  t.ok(size > 512 * 1024 && size < 1024 * 1024, `${Math.round(size / 1024)} KiB: under the service-wide 1 MiB, over 512 KiB`);
  const big = await lint(policy, bulky);
  t.equal(big.statusCode, 413);
  t.match(big.json(), { code: 'PAYLOAD_TOO_LARGE', message: '请求内容过大' }, 'in Chinese');
  const draft = await app.inject({ method: 'POST', url: '/api/v1/workflows/discharge-reporting/versions', headers: policy, payload: { definition: bulky, note: '过大的草稿' } });
  t.equal(draft.statusCode, 413, 'nor stored as a draft');
});

t.test('60 lints of 150 new forms each, and drafts simulated and checked for impact, leave nothing behind', async (t) => {
  // A bare environment: the runner's (coverage and more) makes V8 keep compiled functions.
  const env = { PATH: process.env.PATH, HOME: process.env.HOME, LINTS: '60' };
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/helpers/policy-heap.ts'], { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d) => { out += d; });
  child.stderr!.on('data', (d) => { err += d; });
  t.teardown(() => { child.kill(); });
  const [code] = await once(child, 'exit');
  t.equal(code, 0, err.slice(-2000));
  const kept = JSON.parse(out.trim().split('\n').at(-1)!) as { lintKeptMB: number; draftKeptMB: number; sharedSchemasAdded: number };
  t.comment(`heap kept after 60 lints (9,000 forms compiled): ${kept.lintKeptMB.toFixed(1)} MB; after 40 simulations and impact reports of a 156-form draft: ${kept.draftKeptMB.toFixed(1)} MB`);
  t.equal(kept.sharedSchemasAdded, 0, 'the shared validator compiled none of the 9,000 candidate forms');
  // Run alone the child keeps about 2 MB; under the test runner about 140 MB, the same every run and not
  // growing with the draft loop (cause not found). The unfixed code kept about 7 MB per lint (420 MB here).
  t.ok(kept.lintKeptMB < 250, 'the forms a lint compiles are dropped with it');
  t.ok(kept.draftKeptMB < 20, 'so are a draft\'s, simulated or checked for impact');
});
