import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { WorkflowDefinition } from '../src/definitions/definition.types.ts';
import { prepareDatabase } from './database.ts';
import type { Options } from './options.ts';
import { log, outDir, repoRoot } from './paths.ts';
import type { ServiceOptions } from './service.ts';
import { loadDefinitions } from './workload.ts';

/** What every scenario of one run shares: its options, its database, its secrets and its notes. */
export interface Bench {
  o: Options;
  databaseUrl: string | undefined;
  /** The embedded database's temporary folder; unset with DATABASE_URL. */
  dataDir: string | undefined;
  databaseKind: 'postgresql' | 'embedded';
  cores: number;
  definitions: Map<string, WorkflowDefinition>;
  dataKeyHex: string;
  logFile: string;
  profDir: string;
  /** How every start of the service is configured. */
  common: ServiceOptions;
  /** Caveats for results.json, added by the scenarios as they find them. */
  notes: string[];
  loadAtStart: number;
}

/** A fresh database (or data folder), fresh secrets and an empty bench/out. */
export async function setUp(o: Options): Promise<Bench> {
  mkdirSync(outDir, { recursive: true });
  const databaseKind = process.env.DATABASE_URL ? 'postgresql' : 'embedded';
  const cores = os.cpus().length;
  log(`bench: ${o.cases.toLocaleString('en')} cases, ${databaseKind} database, ${cores} cores, pool ${o.pool}, connections ${o.connections.join('/')}, ${o.quick ? 'quick' : 'full'} run`);
  const definitions = loadDefinitions();
  const secret = randomBytes(24).toString('hex');
  const dataKeyHex = randomBytes(32).toString('hex');
  const databaseUrl = process.env.DATABASE_URL;
  let dataDir: string | undefined;
  if (databaseUrl) await prepareDatabase(databaseUrl);
  else dataDir = mkdtempSync(path.join(os.tmpdir(), 'bench-pglite-'));
  const logFile = path.join(outDir, 'service.log');
  rmSync(logFile, { force: true });
  const profDir = path.join(outDir, 'profile');
  if (o.cpuProf) rmSync(profDir, { recursive: true, force: true });
  const common = {
    repoRoot, databaseUrl, dataDir, poolSize: o.pool, sessionSecret: secret, dataKey: dataKeyHex, logFile,
  };
  // To start the service again on the benchmark's database by hand (bench/out is not committed).
  if (databaseUrl) writeFileSync(path.join(outDir, 'service.env'), `DATABASE_URL=${databaseUrl}\nDATA_KEY=${dataKeyHex}\nSESSION_SECRET=${secret}\nPUBLIC_BASE_URL=http://127.0.0.1:3000\n`, { mode: 0o600 });
  const notes: string[] = [];
  const loadAtStart = os.loadavg()[0]!;
  if (!databaseUrl && o.pool === 1) {
    notes.push('Embedded runs use DB_POOL_SIZE=1 (service and baseline): PGlite runs one statement at a time anyway, and with several pool connections pglite-socket interleaves the extended-protocol messages of different connections (errors "portal does not exist", wrong sessions → 401/500, hangs); see bench/repro-pglite-socket.ts.');
  }
  return {
    o, databaseUrl, dataDir, databaseKind, cores, definitions, dataKeyHex, logFile, profDir, common, notes, loadAtStart,
  };
}

/** The embedded data folder goes, unless --keep. */
export function tearDown(b: Bench): void {
  if (b.dataDir && !b.o.keep) rmSync(b.dataDir, { recursive: true, force: true });
  else if (b.dataDir) log(`kept the data folder ${b.dataDir}`);
}
