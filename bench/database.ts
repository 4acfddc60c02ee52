import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { BaselineOutput, BaselinePlan } from './baseline.ts';
import { benchDir, repoRoot } from './paths.ts';

/** With DATABASE_URL: a bench* database is dropped and created afresh; any other must be empty. */
export async function prepareDatabase(url: string): Promise<void> {
  const u = new URL(url);
  const name = decodeURIComponent(u.pathname.replace(/^\//, ''));
  if (/^bench/i.test(name)) {
    const admin = new URL(url);
    admin.pathname = '/postgres';
    const c = new pg.Client({ connectionString: admin.toString() });
    await c.connect();
    try {
      await c.query(`drop database if exists "${name.replaceAll('"', '""')}" with (force)`);
      await c.query(`create database "${name.replaceAll('"', '""')}"`);
    } finally {
      await c.end();
    }
    return;
  }
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const r = await c.query(`select count(*)::int as n from information_schema.tables where table_schema = 'public'`);
    if (r.rows[0].n > 0) {
      throw new Error(`DATABASE_URL points at "${name}", which has tables. The benchmark seeds its own data: use an empty database, or one whose name starts with "bench" (it is dropped and recreated).`);
    }
  } finally {
    await c.end();
  }
}

/** A pool straight to PostgreSQL, for seeding and SQL probes. */
export async function openDirect(
  databaseUrl: string, max: number,
): Promise<{ pool: pg.Pool; close: () => Promise<void> }> {
  const pool = new pg.Pool({ connectionString: databaseUrl, max });
  return { pool, close: () => pool.end() };
}

/** DATA_DIR/data-key, written by the service on its first start (absent in trees without encryption at rest). */
export function embeddedKey(dataDir: string): Buffer | undefined {
  const file = path.join(dataDir, 'data-key');
  if (!existsSync(file)) return undefined;
  const t = readFileSync(file, 'utf8').trim();
  return /^[0-9a-fA-F]{64}$/.test(t) ? Buffer.from(t, 'hex') : Buffer.from(t, 'base64');
}

export function runBaseline(plan: BaselinePlan): Promise<BaselineOutput> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-baseline-'));
  const planFile = path.join(dir, 'plan.json');
  const outFile = path.join(dir, 'out.json');
  writeFileSync(planFile, JSON.stringify(plan));
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(benchDir, 'baseline.ts'), planFile, outFile], { cwd: repoRoot, stdio: ['ignore', 'inherit', 'inherit'] });
    child.once('error', reject);
    child.once('exit', (code) => {
      try {
        if (code !== 0) throw new Error(`the baseline script exited with code ${code}`);
        resolve(JSON.parse(readFileSync(outFile, 'utf8')) as BaselineOutput);
      } catch (err) {
        reject(err);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
}
