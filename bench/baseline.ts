/**
 * The baseline: the same database writes as the service, done by a bare Node script with pg at
 * the same concurrency and pool size, the plain way, one round trip per statement:
 *
 *   step:   BEGIN; SELECT … FROM cases WHERE id = $1 FOR UPDATE; UPDATE cases …; INSERT INTO case_events …; COMMIT
 *   create: BEGIN; SELECT … FROM persons WHERE id = $1 FOR UPDATE; the next case number (upsert of
 *           its counter); INSERT INTO cases …; INSERT INTO case_events …; COMMIT
 *
 * Run as a child process by bench/run.ts: `node --import tsx bench/baseline.ts <plan.json> <out.json>`.
 * With the embedded database it opens the PGlite data folder itself, in-process behind the same
 * loopback socket the service uses, so both sides have the same architecture.
 */
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import pg from 'pg';
import { startEmbeddedDatabase, type EmbeddedDatabase } from '../src/db/embedded.ts';
import type { StateConfig, WorkflowDefinition } from '../src/definitions/definition.types.ts';
import { newId } from '../src/db/ids.ts';
import { actingLevel } from '../src/engine/engine.ts';
import { shanghaiParts } from '../src/time/shanghai.ts';
import { ItemQueue } from './http-load.ts';
import { backendCpu, summarize, type LatencySummary } from './stats.ts';
import { seedAndProbe, type Prepared } from './prepare.ts';
import { caseSealing, type CaseSealing } from './seed.ts';
import { createSlice, loadDefinitions, prefill, stepBody, type CreatePair, type StepCase, type StepKind } from './workload.ts';

export interface BaselineRun {
  kind: 'steps' | 'create';
  connections: number;
  warmupS: number;
  durationS: number;
  /** Which slice of createPairs a create run uses. */
  slice?: number;
}

export interface BaselinePlan {
  databaseUrl?: string;
  dataDir?: string;
  poolSize: number;
  stepKind: StepKind;
  runs: BaselineRun[];
  /** The cases to step (with current versions) and the creation pairs; from seeding when `seed` is set. */
  stepPool: StepCase[];
  createPairs: CreatePair[];
  /** createPairs is cut into this many disjoint slices; a create run names its slice. */
  slices: number;
  /**
   * Embedded only: seed the data folder here first (PGlite is single-process, and each opening
   * of the folder costs seconds), run VACUUM ANALYZE and the SQL probes, then the baseline.
   */
  seed?: {
    cases: number; createPersons: number; now: string; dataKeyHex?: string; samples: number;
    deepCases: number; deepEntries: number;
  };
  /**
   * The service's data key, when the schema keeps case data sealed (real PostgreSQL; embedded runs
   * take the seed's).
   */
  dataKeyHex?: string;
}

export interface BaselineRunResult {
  kind: 'steps' | 'create';
  connections: number;
  ok: number;
  errors: number;
  elapsedS: number;
  perSecond: number;
  latency: LatencySummary;
  exhausted: boolean;
  cpuMs: number;
  /** CPU time of the local PostgreSQL processes over the run (real PostgreSQL only). */
  dbCpuMs: number | null;
  firstError?: string;
}

export interface BaselineOutput {
  bootMs: number | null;
  prepared?: Prepared;
  results: BaselineRunResult[];
  stepPool: StepCase[];
}

const ACTOR = 'u-district-clerk';
let measureDb = false;
const DAY = 86_400_000;

async function main(): Promise<void> {
  const [planFile, outFile] = process.argv.slice(2);
  const plan = JSON.parse(readFileSync(planFile!, 'utf8')) as BaselinePlan;
  const defs = loadDefinitions();
  measureDb = Boolean(plan.databaseUrl);
  let embedded: EmbeddedDatabase | undefined;
  let bootMs: number | null = null;
  if (!plan.databaseUrl) {
    const t = performance.now();
    embedded = await startEmbeddedDatabase(plan.dataDir!, plan.poolSize + 1);
    bootMs = performance.now() - t;
  }
  const pool = new pg.Pool({ connectionString: plan.databaseUrl ?? embedded!.connectionString, max: plan.poolSize });
  let prepared: Prepared | undefined;
  if (plan.seed) {
    const log = (m: string) => console.log(`[baseline] ${m}`);
    prepared = await seedAndProbe(pool, {
      cases: plan.seed.cases, createPersons: plan.seed.createPersons, now: new Date(plan.seed.now),
      definitions: defs, streams: 1, deepCases: plan.seed.deepCases, deepEntries: plan.seed.deepEntries,
      dataKey: plan.seed.dataKeyHex ? Buffer.from(plan.seed.dataKeyHex, 'hex') : undefined, log,
    }, plan.seed.samples);
    plan.stepPool = prepared.seeded.stepPool;
    plan.createPairs = prepared.seeded.createPairs;
  }
  const keyHex = plan.dataKeyHex ?? plan.seed?.dataKeyHex;
  sealing = await caseSealing(pool, keyHex ? Buffer.from(keyHex, 'hex') : undefined);
  hasLastEventAt = (await pool.query(`select 1 from information_schema.columns where table_name = 'cases' and column_name = 'last_event_at'`)).rowCount! > 0;
  hasChain = (await pool.query(`select 1 from information_schema.columns where table_name = 'case_events' and column_name = 'hash'`)).rowCount! > 0;
  hasCaseNo = (await pool.query(`select 1 from information_schema.columns where table_name = 'cases' and column_name = 'case_no'`)).rowCount! > 0;
  const results: BaselineRunResult[] = [];
  const steps = new ItemQueue(plan.stepPool);
  try {
    for (const run of plan.runs) {
      if (run.kind === 'steps') {
        results.push(await load(run, pool, steps, (c) => stepTx(pool, plan.stepKind, c), (c) => steps.put(c)));
      } else {
        const pairs = new ItemQueue(createSlice(plan.createPairs, run.slice ?? 0, plan.slices));
        results.push(await load(run, pool, pairs, (p) => createTx(pool, defs.get(p.workflowId)!, p), () => {}));
      }
    }
  } finally {
    await pool.end();
    await embedded?.close();
  }
  const out: BaselineOutput = { bootMs, ...(prepared ? { prepared } : {}), results, stepPool: plan.stepPool };
  writeFileSync(outFile!, JSON.stringify(out));
}

/** `connections` workers, each with one transaction in flight, for warmup + duration; only the duration counts. */
async function load<T>(
  run: BaselineRun, pool: pg.Pool, queue: ItemQueue<T>, tx: (item: T) => Promise<void>, release: (item: T) => void,
): Promise<BaselineRunResult> {
  let recording = false;
  let stop = false;
  let ok = 0; let errors = 0; let exhausted = false;
  let firstError: string | undefined;
  const latencies: number[] = [];
  const worker = async () => {
    while (!stop) {
      const item = queue.take();
      if (item === undefined) {
        exhausted = true;
        return;
      }
      const t = performance.now();
      try {
        await tx(item);
        if (recording && !stop) {
          ok++;
          latencies.push(performance.now() - t);
        }
      } catch (err) {
        if (recording) errors++;
        firstError ??= (err as Error).message;
      }
      release(item);
    }
  };
  const workers = Array.from({ length: run.connections }, worker);
  await new Promise((r) => setTimeout(r, run.warmupS * 1000));
  const db = measureDb ? backendCpu((q) => pool.query<{ pid: number }>(q)) : undefined;
  await db?.start();
  recording = true;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await new Promise((r) => setTimeout(r, run.durationS * 1000));
  stop = true;
  const elapsedS = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const dbCpuMs = db ? await db.stop() : null;
  await Promise.all(workers);
  return {
    kind: run.kind, connections: run.connections, ok, errors, elapsedS, perSecond: ok / elapsedS,
    latency: summarize(latencies), exhausted, cpuMs: (cpu.user + cpu.system) / 1000, dbCpuMs,
    ...(firstError ? { firstError } : {}),
  };
}

async function inTransaction(pool: pg.Pool, body: (client: pg.PoolClient) => Promise<void>): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await body(client);
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  } finally {
    client.release();
  }
}

/** Set when a later migration has added the step clock (the service then writes last_event_at on every event). */
let hasLastEventAt = false;
/**
 * Migration 0016's hash chain: each entry's hash over the previous one's and its payload's, the
 * head kept on the case row (the plain way: no extra statement).
 */
let hasChain = false;
/** Migration 0018's case numbers: a creation takes the next serial of its item and year (one more statement). */
let hasCaseNo = false;
const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');
/**
 * Set when case data is sealed (migration 0010): a created case is then written as the service
 * writes it, readable by the service.
 */
let sealing: CaseSealing | undefined;

interface CaseLockRow {
  id: string; state: string; version: number; history_hash?: string | null;
  snapshot: { value: string; context: { data: Record<string, unknown> } };
}

/** One step: lock, check the version, merge the form data into the snapshot, write the case, append the event. */
async function stepTx(pool: pg.Pool, kind: StepKind, c: StepCase): Promise<void> {
  const body = stepBody(kind, c.workflowId);
  await inTransaction(pool, async (client) => {
    const r = await client.query<CaseLockRow>('SELECT * FROM cases WHERE id = $1 FOR UPDATE', [c.id]);
    const row = r.rows[0];
    if (!row) throw new Error(`no case ${c.id}`);
    if (row.version !== c.version) {
      c.version = row.version;
      throw new Error('stale version');
    }
    const now = new Date();
    const seq = row.version + 1;
    // Free text (`note`, `text`) is sealed at rest (migration 0015): written as the service writes it,
    // so it can read it back.
    type Sealed = { context: { data: Record<string, unknown> } };
    const data = sealing
      ? (sealing.snapshot(c.id, { context: { data: body.data } }) as Sealed).context.data : body.data;
    const entry = kind === 'machine' ? { data: body.data } : body.data;
    const payload = JSON.stringify(sealing ? sealing.payload(c.id, seq, entry) : entry);
    const hash = sha256((row.history_hash ?? '') + sha256(payload));
    // The columns the service writes for a step that stays in its state: version, times, snapshot.
    const extra = (hasLastEventAt ? ', last_event_at = $3' : '') + (hasChain ? `, history_hash = '${hash}'` : '');
    if (kind === 'machine') {
      const snapshot = row.snapshot;
      snapshot.context.data = { ...snapshot.context.data, ...data };
      await client.query(
        `UPDATE cases SET version = $2, updated_at = $3${extra}, snapshot = $4, state = $5, outcome = NULL, status = 'open', closed_at = NULL WHERE id = $1 AND version = $6`,
        [c.id, row.version + 1, now, JSON.stringify(snapshot), row.state, row.version],
      );
    } else {
      await client.query(`UPDATE cases SET version = $2, updated_at = $3${extra} WHERE id = $1 AND version = $4`, [c.id, row.version + 1, now, row.version]);
    }
    await client.query(
      `INSERT INTO case_events (case_id, seq, kind, type, payload, actor_id, from_state, to_state, at${hasChain ? ', hash' : ''}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9${hasChain ? ', $10' : ''})`,
      [c.id, seq, kind === 'machine' ? 'machine' : 'admin', body.type, payload, ACTOR, row.state, row.state, now, ...(hasChain ? [hash] : [])],
    );
  });
  c.version++;
}

interface PersonLockRow {
  id: string; name: string; sex: string; birth_date: string; station_id: string; station_path: string;
  attributes: Record<string, unknown>;
  /**
   * In the clear in older schemas; encrypted (id_number_enc, phone_enc) in newer ones: either way
   * a value of that size goes into the snapshot.
   */
  id_number?: string; phone?: string | null; id_number_enc?: string; phone_enc?: string | null;
}

/** One case creation: lock the person, insert the case in its first state, append START. */
async function createTx(pool: pg.Pool, def: WorkflowDefinition, p: CreatePair): Promise<void> {
  await inTransaction(pool, async (client) => {
    const r = await client.query<PersonLockRow>('SELECT *, birth_date::text AS birth_date FROM persons WHERE id = $1 FOR UPDATE', [p.personId]);
    const person = r.rows[0];
    if (!person) throw new Error(`no person ${p.personId}`);
    const data = prefill(def, sealing ? {
      name: person.name, idNumber: sealing.personField(person.id_number_enc!, 'id_number', person.id), sex: person.sex, birthDate: person.birth_date,
      phone: person.phone_enc ? sealing.personField(person.phone_enc, 'phone', person.id) : null, attributes: person.attributes,
    } : {
      name: person.name, idNumber: person.id_number ?? person.id_number_enc ?? '', sex: person.sex, birthDate: person.birth_date,
      phone: person.phone ?? person.phone_enc ?? null, attributes: person.attributes,
    });
    const initial = def.machine.initial;
    const state = def.machine.states[initial] as StateConfig;
    const snapshot = { workflowId: def.id, workflowVersion: def.version, value: initial, status: 'active', context: { data, materials: [], outcome: null } };
    const now = new Date();
    const id = newId(now.getTime());
    const payload = JSON.stringify(
      sealing ? sealing.payload(id, 1, { data, parentCaseId: null }) : { data, parentCaseId: null },
    );
    const hash = sha256(sha256(`case_events chain v1:${id}`) + sha256(payload));
    let caseNo: string | undefined;
    if (hasCaseNo) {
      const year = shanghaiParts(now).y;
      const n = await client.query<{ last_serial: number }>(
        `INSERT INTO case_number_counters (prefix, year, last_serial) VALUES ($1, $2, 1)
         ON CONFLICT (prefix, year) DO UPDATE SET last_serial = case_number_counters.last_serial + 1 RETURNING last_serial`,
        [def.abbreviation, year],
      );
      caseNo = `${def.abbreviation}-${year}-${String(n.rows[0]!.last_serial).padStart(5, '0')}`;
    }
    const optional: [string, unknown][] = [...(hasChain ? [['history_hash', hash]] as [string, unknown][] : []), ...(caseNo ? [['case_no', caseNo]] as [string, unknown][] : [])];
    await client.query(
      `INSERT INTO cases (id, workflow_id, workflow_version, person_id, station_id, station_path, state, status, exclusive, version, snapshot,
         step_level, due_at, created_by, created_at, updated_at${optional.map(([c]) => `, ${c}`).join('')}) VALUES ($1, $2, $3, $4, $5, $6, $7, 'open', $8, 1, $9, $10, $11, $12, $13, $13${optional.map((_, i) => `, $${14 + i}`).join('')})`,
      [id, def.id, def.version, person.id, person.station_id, person.station_path, initial, !def.allowConcurrentCases,
        JSON.stringify(sealing ? sealing.snapshot(id, snapshot) : snapshot),
        actingLevel(state), state.meta.sla || state.meta.timer ? new Date(now.getTime() + 14 * DAY) : null,
        ACTOR, now, ...optional.map(([, v]) => v)],
    );
    await client.query(
      `INSERT INTO case_events (case_id, seq, kind, type, payload, actor_id, from_state, to_state, at${hasChain ? ', hash' : ''}) VALUES ($1, 1, $2, $3, $4, $5, NULL, $6, $7${hasChain ? ', $8' : ''})`,
      [id, 'machine', 'START', payload, ACTOR, initial, now, ...(hasChain ? [hash] : [])],
    );
  });
}

if (process.argv[1]?.endsWith('baseline.ts')) {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
