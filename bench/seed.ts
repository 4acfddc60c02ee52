import { randomBytes } from 'node:crypto';
import type pg from 'pg';
import { entryDigest, genesisHash, linkHash } from '../src/cases/history-chain.ts';
import type { StateConfig, WorkflowDefinition } from '../src/definitions/definition.types.ts';
import { compile, type CompiledWorkflow } from '../src/engine/compile.ts';
import { actingLevel } from '../src/engine/engine.ts';
import { makeIdNumber } from '../src/personal-numbers/id-number.ts';
import { shanghaiParts } from '../src/time/shanghai.ts';
import { LOOP_STEPS, prefill, shortestPaths, type CreatePair, type PathStep, type StepCase } from './workload.ts';

/**
 * Bulk seeding straight into the database, after one start of the service has created the
 * schema, loaded the 22 items and the demo district (stations, users). Adds towns and villages,
 * persons with valid GB 11643 ID numbers and attributes, their household relations, and cases
 * spread over the items and their states with matching history (one START plus the shortest
 * event path to the state), open ones with due dates so that about a third are overdue.
 */
export interface SeedOptions {
  cases: number;
  /** Persons with no case yet, for the case-creation load. */
  createPersons: number;
  now: Date;
  definitions: Map<string, WorkflowDefinition>;
  /**
   * Cases in a looping state given a long history (`deepEntries` entries: the loop's event repeated),
   * kept out of the step pool: the history-depth load steps them beside the step pool's short ones.
   */
  deepCases: number;
  deepEntries: number;
  /** Parallel insert streams (PGlite serializes them anyway). */
  streams: number;
  /** The service's data key (32 bytes), when the schema keeps ID numbers and phones encrypted. */
  dataKey?: Buffer;
  log: (msg: string) => void;
}

export interface SeedResult {
  stations: number;
  villages: Village[];
  towns: string[];
  persons: number;
  cases: number;
  openCases: number;
  overdueCases: number;
  events: number;
  relations: number;
  workflowsUsed: number;
  stepPool: StepCase[];
  /** Cases in a looping state with `deepEntries` history entries (not in stepPool). */
  deepPool: StepCase[];
  createPairs: CreatePair[];
  chainPersons: string[];
  seedMs: number;
}

const DAY = 86_400_000;

/** mulberry32: a small deterministic PRNG, so a size always seeds the same data. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** ID numbers given in this process: a seed that grows the data (`--sizes`) must not repeat one. */
const usedIds = new Set<string>();

let idBytes = Buffer.alloc(0);
let idOffset = 0;
/** UUIDv7 for a given instant, like the service's ids (time-ordered for keyset pagination). */
function uuid7(ms: number): string {
  if (idOffset + 16 > idBytes.length) {
    idBytes = randomBytes(16 * 4096);
    idOffset = 0;
  }
  const b = Buffer.from(idBytes.subarray(idOffset, idOffset + 16));
  idOffset += 16;
  b.writeUIntBE(ms, 0, 6);
  b[6] = 0x70 | (b[6]! & 0x0f);
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

const TOWNS = ['柳林', '石桥', '南湖', '北关', '青山', '白沙', '龙泉', '长乐', '太平', '永安', '双河'];
const VILLAGE_PARTS = ['王庄', '李家湾', '张村', '刘集', '陈家坝', '杨柳', '赵堡', '黄土岭', '周家店', '吴桥', '徐庄', '孙家沟', '马坊', '朱家台', '胡同口', '郭家营'];
const SURNAMES = '王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文';
const GIVEN = '伟强磊军勇杰涛明超刚平辉鹏华飞鑫波斌宇浩凯健俊帆帅旭宁龙林洋建国志军海峰文博立新春红芳丽娟敏静霞燕艳娜秀英玉兰桂萍婷雪慧晶颖琳';
const REGIONS = ['330102', '330105', '330106', '330108', '330109', '330110', '330111'];
const CLERKS = ['u-village-clerk', 'u-town-clerk', 'u-district-clerk', 'u-district-clerk-2', 'u-xishan-clerk'];

interface Village { id: string; path: string }

function isoDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

interface PersonRow {
  id: string; name: string; idNumber: string; sex: 'male' | 'female'; birthDate: string; phone: string | null;
  stationId: string; stationPath: string; attributes: Record<string, unknown>; createdAt: number;
}

/** Prepared per item: where its cases can be, how they got there. */
interface ItemPlan {
  def: WorkflowDefinition;
  compiled: CompiledWorkflow;
  paths: Map<string, PathStep[]>;
  finals: string[];
  open: string[];
  loopState?: string;
  requiredMaterials: string[];
}

class Batcher {
  private running: Promise<void>[] = [];
  constructor(private readonly limit: number) {}
  async add(task: () => Promise<void>): Promise<void> {
    const p = task().finally(() => { this.running = this.running.filter((x) => x !== p); });
    this.running.push(p);
    if (this.running.length >= this.limit) await Promise.race(this.running);
  }
  async drain(): Promise<void> {
    await Promise.all(this.running);
  }
}

async function insertStations(pool: pg.Pool, rand: () => number): Promise<{ towns: string[]; villages: Village[] }> {
  const towns: { id: string; path: string; name: string }[] = [
    { id: 'dongcheng', path: 'xinhe.dongcheng', name: '东城' },
    { id: 'xishan', path: 'xinhe.xishan', name: '西山' },
  ];
  const rows: unknown[][] = [];
  TOWNS.forEach((name, i) => {
    const id = `t${String(i + 1).padStart(2, '0')}`;
    towns.push({ id, path: `xinhe.${id}`, name });
    rows.push([id, 'xinhe', 'town', `xinhe.${id}`, `${name}镇退役军人服务站`, `${id} Town Station`]);
  });
  const villages: Village[] = [
    { id: 'qiaotou', path: 'xinhe.dongcheng.qiaotou' }, { id: 'hexi', path: 'xinhe.dongcheng.hexi' }, { id: 'shanxia', path: 'xinhe.xishan.shanxia' },
  ];
  for (const t of towns) {
    const have = villages.filter((v) => v.path.startsWith(`${t.path}.`)).length;
    for (let n = have; n < 14; n++) {
      const id = `${t.id}v${String(n + 1).padStart(2, '0')}`;
      const name = `${VILLAGE_PARTS[Math.floor(rand() * VILLAGE_PARTS.length)]}${n + 1}村退役军人服务站`;
      villages.push({ id, path: `${t.path}.${id}` });
      rows.push([id, t.id, 'village', `${t.path}.${id}`, name, `${id} Village Station`]);
    }
  }
  for (const r of rows) {
    await pool.query('insert into stations (id, parent_id, level, path, name_zh, name_en) values ($1, $2, $3, $4, $5, $6) on conflict (id) do nothing', r);
  }
  return { towns: towns.map((t) => t.id), villages };
}

function planItems(definitions: Map<string, WorkflowDefinition>): Map<string, ItemPlan> {
  const plans = new Map<string, ItemPlan>();
  for (const def of definitions.values()) {
    const states = def.machine.states as Record<string, StateConfig>;
    const paths = shortestPaths(def);
    const reachable = [...paths.keys()];
    const loopState = LOOP_STEPS.find((l) => l.workflowId === def.id)?.state;
    plans.set(def.id, {
      def, compiled: compile(def), paths,
      finals: reachable.filter((s) => states[s]!.type === 'final'),
      open: reachable.filter((s) => states[s]!.type !== 'final' && s !== loopState),
      loopState,
      requiredMaterials: def.materials.filter((m) => m.required).map((m) => m.id),
    });
  }
  return plans;
}

function ageOn(birthMs: number, now: number): number {
  return Math.floor((now - birthMs) / (365.2425 * DAY));
}

/** Inserts rows column-wise through unnest: one statement per batch, typed arrays per column. */
async function insertColumns(
  client: pg.Pool | pg.PoolClient, table: string, columns: [string, string][], rows: unknown[][],
): Promise<void> {
  if (rows.length === 0) return;
  const arrays = columns.map((_, i) => rows.map((r) => r[i]));
  const names = columns.map(([n]) => n).join(', ');
  const unnest = columns.map(([, t], i) => `$${i + 1}::${t}[]`).join(', ');
  await client.query(`insert into ${table} (${names}) select * from unnest(${unnest})`, arrays);
}

const PERSON_COLUMNS: [string, string][] = [
  ['id', 'text'], ['name', 'text'], ['sex', 'text'], ['birth_date', 'date'],
  ['station_id', 'text'], ['station_path', 'text'], ['attributes', 'jsonb'], ['created_by', 'text'], ['created_at', 'timestamptz'],
];

type SecretColumns = (id: string, idNumber: string, phone: string | null) => Record<string, string | null>;

/**
 * How ID numbers and phones are stored: in the clear (id_number, phone), or encrypted with a
 * blind index (id_number_enc, id_number_hash, phone_enc), computed by the service's own code.
 */
async function personSecrets(
  pool: pg.Pool, dataKey: Buffer | undefined,
): Promise<{ columns: [string, string][]; values: SecretColumns }> {
  const cols = new Set((await pool.query<{ column_name: string }>(`select column_name from information_schema.columns where table_name = 'persons'`)).rows.map((r) => r.column_name));
  if (!cols.has('id_number_hash')) return { columns: [['id_number', 'text'], ['phone', 'text']], values: (_id, idNumber, phone) => ({ id_number: idNumber, phone }) };
  if (!dataKey) throw new Error('persons keeps ID numbers encrypted: the seeder needs the data key');
  const keyModule = new URL('../src/crypto/data-key.ts', import.meta.url).href;
  const repoModule = new URL('../src/persons/person.repository.ts', import.meta.url).href;
  const { useDataKey } = await import(keyModule) as { useDataKey: (k: Buffer) => unknown };
  const { personSecretColumns } = await import(repoModule) as { personSecretColumns: SecretColumns };
  useDataKey(dataKey);
  const names = Object.keys(personSecretColumns('probe', '11010519491231002X', '13800000000'));
  return { columns: names.map((n) => [n, 'text'] as [string, string]), values: personSecretColumns };
}
export interface CaseSealing {
  snapshot(caseId: string, snapshot: unknown): unknown;
  payload(caseId: string, seq: number, payload: Record<string, unknown>): unknown;
  /** A person's ID number or phone from its encrypted column, as the service reads it. */
  personField(stored: string, column: 'id_number' | 'phone', personId: string): string;
}

/**
 * How ID numbers, bank accounts and phones inside case data are stored: in the clear, or sealed
 * field by field (migration 20261124T0010) by the service's own code, so the service can read
 * every seeded case.
 */
export async function caseSealing(pool: pg.Pool, dataKey: Buffer | undefined): Promise<CaseSealing | undefined> {
  const applied = await pool.query(`select 1 from information_schema.tables where table_name = 'kysely_migration'`);
  if (!applied.rowCount) return undefined;
  if (!(await pool.query(`select 1 from kysely_migration where name = '20261124T0010_sealed_case_data'`)).rowCount) return undefined;
  if (!dataKey) throw new Error('case data keeps ID numbers encrypted: the seeder needs the data key');
  const { useDataKey, dataKeys, decryptField } = await import(new URL('../src/crypto/data-key.ts', import.meta.url).href) as typeof import('../src/crypto/data-key.ts');
  const { sealSnapshot } = await import(new URL('../src/cases/case.repository.ts', import.meta.url).href) as typeof import('../src/cases/case.repository.ts');
  const { sealPayload } = await import(new URL('../src/crypto/sealed-payload.ts', import.meta.url).href) as typeof import('../src/crypto/sealed-payload.ts');
  useDataKey(dataKey);
  return {
    snapshot: (caseId, snapshot) => sealSnapshot(caseId, snapshot as Parameters<typeof sealSnapshot>[1]),
    payload: sealPayload,
    personField: (stored, column, personId) => decryptField(dataKeys(), stored, `persons.${column}:${personId}`),
  };
}

const CASE_COLUMNS: [string, string][] = [
  ['id', 'text'], ['workflow_id', 'text'], ['workflow_version', 'int'], ['person_id', 'text'], ['station_id', 'text'], ['station_path', 'text'],
  ['state', 'text'], ['status', 'text'], ['exclusive', 'bool'], ['outcome', 'text'], ['version', 'int'], ['snapshot', 'jsonb'],
  ['step_level', 'text'], ['due_at', 'timestamptz'], ['created_by', 'text'], ['created_at', 'timestamptz'], ['updated_at', 'timestamptz'], ['closed_at', 'timestamptz'],
];
const EVENT_COLUMNS: [string, string][] = [
  ['case_id', 'text'], ['seq', 'int'], ['kind', 'text'], ['type', 'text'], ['payload', 'jsonb'], ['actor_id', 'text'],
  ['from_state', 'text'], ['to_state', 'text'], ['at', 'timestamptz'],
];

/** Case numbers as src/cases/case-number.ts gives them, after the counters the database already has. */
async function caseNumbering(
  pool: pg.Pool,
): Promise<{ next(prefix: string, at: number): string; store(): Promise<void> }> {
  const last = new Map<string, number>();
  for (const r of (await pool.query<{ prefix: string; year: number; last_serial: number }>('select prefix, year, last_serial from case_number_counters')).rows) {
    last.set(`${r.prefix}-${r.year}`, r.last_serial);
  }
  return {
    next(prefix, at) {
      const key = `${prefix}-${shanghaiParts(new Date(at)).y}`;
      const serial = (last.get(key) ?? 0) + 1;
      last.set(key, serial);
      return `${key}-${String(serial).padStart(5, '0')}`;
    },
    async store() {
      const rows = [...last.entries()].map(([key, serial]) => {
        const [prefix, year] = key.split('-') as [string, string];
        return [prefix, Number(year), serial];
      });
      await pool.query(`insert into case_number_counters (prefix, year, last_serial) select * from unnest($1::text[], $2::int[], $3::int[])
        on conflict (prefix, year) do update set last_serial = greatest(case_number_counters.last_serial, excluded.last_serial)`,
      [rows.map((r) => r[0]), rows.map((r) => r[1]), rows.map((r) => r[2])]);
    },
  };
}

export async function seed(pool: pg.Pool, opts: SeedOptions): Promise<SeedResult> {
  const t0 = performance.now();
  const rand = prng(0x5eed ^ opts.cases);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const now = opts.now.getTime();
  const { towns, villages } = await insertStations(pool, rand);
  const plans = planItems(opts.definitions);
  const secrets = await personSecrets(pool, opts.dataKey);
  const sealing = await caseSealing(pool, opts.dataKey);
  const personColumns: [string, string][] = [...PERSON_COLUMNS, ...secrets.columns];
  // Later migrations add step-clock columns; fill them when the schema has them.
  const caseCols = new Set((await pool.query<{ column_name: string }>(`select column_name from information_schema.columns where table_name = 'cases'`)).rows.map((r) => r.column_name));
  const hasClock = caseCols.has('step_entered_at') && caseCols.has('last_event_at');
  const hasTimer = caseCols.has('timer_at');
  // The deadline sweeper's marks: seeded as a running system would have them (overdue noted,
  // escalated after the grace).
  const hasMarks = caseCols.has('overdue_at') && caseCols.has('escalated_at') && caseCols.has('escalated_to');
  // Migration 0016's hash chain over each history, computed as the service does (src/cases/history-chain.ts).
  const hasChain = caseCols.has('history_hash');
  // Migration 0018's case numbers: each case numbered per (abbreviation, Beijing year), the counters
  // left at the last serial given so the service's next number follows on.
  const numbers = caseCols.has('case_no') ? await caseNumbering(pool) : undefined;
  const eventColumns: [string, string][] = [...EVENT_COLUMNS, ...(hasChain ? [['hash', 'text']] as [string, string][] : [])];
  const caseColumns: [string, string][] = [
    ...CASE_COLUMNS,
    ...(hasClock ? [['step_entered_at', 'timestamptz'], ['last_event_at', 'timestamptz']] as [string, string][] : []),
    ...(hasTimer ? [['timer_at', 'timestamptz']] as [string, string][] : []),
    ...(hasMarks ? [['overdue_at', 'timestamptz'], ['escalated_at', 'timestamptz'], ['escalated_to', 'text']] as [string, string][] : []),
    ...(hasChain ? [['history_hash', 'text']] as [string, string][] : []),
    ...(numbers ? [['case_no', 'text']] as [string, string][] : []),
  ];

  function makePerson(kind: 'any' | 'fresh'): PersonRow {
    const village = pick(villages);
    const r = rand();
    const category = kind === 'fresh' ? 'veteran' : r < 0.55 ? 'veteran' : r < 0.65 ? 'serving' : r < 0.9 ? 'family' : 'survivor';
    const ageYears = kind === 'fresh' ? 30 + rand() * 20
      : category === 'veteran' ? 23 + rand() * 62 : category === 'serving' ? 18 + rand() * 12 : category === 'family' ? 2 + rand() * 78 : 20 + rand() * 65;
    const birthMs = now - ageYears * 365.2425 * DAY - rand() * DAY;
    const birthDate = isoDay(birthMs);
    const male = category === 'veteran' || category === 'serving' ? rand() < 0.93 : rand() < 0.45;
    const attributes: Record<string, unknown> = { category, hukouType: kind === 'fresh' || rand() < 0.6 ? 'rural' : 'urban' };
    if (category === 'veteran' || category === 'serving') {
      const st = rand();
      attributes.soldierType = kind === 'fresh' || st < 0.62 ? 'conscript' : st < 0.95 ? 'nco' : 'officer';
      const enlist = birthMs + (18 + rand() * 2) * 365.2425 * DAY;
      attributes.enlistmentDate = isoDay(Math.min(enlist, now - 30 * DAY));
      if (category === 'veteran') {
        attributes.dischargeDate = isoDay(Math.min(enlist + (2 + rand() * 14) * 365.2425 * DAY, now - 10 * DAY));
        const p = rand();
        attributes.placementType = kind === 'fresh' || p < 0.55 ? 'self-employment' : p < 0.7 ? 'assigned-job' : p < 0.8 ? 'monthly-pension' : p < 0.9 ? 'retirement' : 'support';
        if (kind !== 'fresh' && rand() < 0.1) attributes.disabilityGrade = 1 + Math.floor(rand() * 10);
      }
      if (rand() < 0.05) attributes.postedToTibetOrXinjiang = true;
    }
    let idNumber: string;
    do {
      const seq = Math.floor(rand() * 500) * 2 + (male ? 1 : 0);
      idNumber = makeIdNumber(pick(REGIONS), birthDate, seq);
    } while (usedIds.has(idNumber));
    usedIds.add(idNumber);
    const createdAt = now - rand() * 5 * 365 * DAY;
    const given = GIVEN[Math.floor(rand() * GIVEN.length)]! + (rand() < 0.7 ? GIVEN[Math.floor(rand() * GIVEN.length)]! : '');
    return {
      id: uuid7(createdAt), name: SURNAMES[Math.floor(rand() * SURNAMES.length)]! + given, idNumber, sex: male ? 'male' : 'female', birthDate,
      phone: rand() < 0.75 ? `1${pick(['3', '5', '7', '8', '9'])}${String(Math.floor(rand() * 1e9)).padStart(9, '0')}` : null,
      stationId: village.id, stationPath: village.path, attributes, createdAt,
    };
  }

  function eligibleItems(p: PersonRow, completed: string[]): string[] {
    const subject = {
      person: { ...p.attributes, sex: p.sex, birthDate: p.birthDate, age: ageOn(Date.parse(p.birthDate), now) },
      completedItems: completed,
    };
    return [...plans.values()]
      .filter((pl) => !pl.compiled.eligibility || pl.compiled.eligibility(subject))
      .map((pl) => pl.def.id);
  }

  const personRow = (p: PersonRow) => {
    const secret = secrets.values(p.id, p.idNumber, p.phone);
    return [p.id, p.name, p.sex, p.birthDate, p.stationId, p.stationPath, JSON.stringify(p.attributes), 'u-admin', new Date(p.createdAt).toISOString(),
      ...secrets.columns.map(([n]) => secret[n] ?? null)];
  };

  const batcher = new Batcher(opts.streams);
  const flush = (
    persons: unknown[][], cases: unknown[][], events: unknown[][], relations: unknown[][],
  ) => batcher.add(async () => {
    await insertColumns(pool, 'persons', personColumns, persons);
    await insertColumns(pool, 'person_relations', [['person_id', 'text'], ['related_person_id', 'text'], ['relation', 'text']], relations);
    await insertColumns(pool, 'cases', caseColumns, cases);
    await insertColumns(pool, 'case_events', eventColumns, events);
  });

  const marks = (dueAt: number | null, level: string | null): (string | null)[] => {
    if (dueAt === null || dueAt >= now) return [null, null, null];
    const overdueAt = new Date(dueAt + 600_000).toISOString();
    if (dueAt > now - 2 * DAY) return [overdueAt, null, null];
    return [overdueAt, new Date(dueAt + 4 * DAY).toISOString(), level === 'village' ? 'town' : 'district'];
  };
  const stepPool: StepCase[] = [];
  const deepPool: StepCase[] = [];
  const chainPersons: string[] = [];
  let persons = 0; let cases = 0; let openCases = 0; let overdue = 0; let events = 0; let relationsCount = 0;
  const used = new Set<string>();
  let pBuf: unknown[][] = []; let cBuf: unknown[][] = []; let eBuf: unknown[][] = []; let rBuf: unknown[][] = [];
  const lastInVillage = new Map<string, PersonRow>();
  let lastLog = performance.now();

  while (cases < opts.cases) {
    const p = makePerson('any');
    persons++;
    pBuf.push(personRow(p));
    const prev = lastInVillage.get(p.stationId);
    if (prev && rand() < 0.2) {
      rBuf.push([p.id, prev.id, pick(['spouse', 'parent', 'child', 'sibling'])]);
      relationsCount++;
    }
    lastInVillage.set(p.stationId, p);
    const items = eligibleItems(p, p.attributes.category === 'veteran' ? ['veteran-profile'] : []);
    for (let i = items.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [items[i], items[j]] = [items[j]!, items[i]!];
    }
    const k = Math.min(items.length, 1 + Math.floor(rand() * 7), opts.cases - cases);
    if (chainPersons.length < 5000 && k > 0 && rand() < 0.5) chainPersons.push(p.id);
    for (const wfId of items.slice(0, k)) {
      used.add(wfId);
      const plan = plans.get(wfId)!;
      const r = rand();
      const state = plan.loopState && r < 0.7 ? plan.loopState : r < 0.85 ? pick(plan.finals) : pick(plan.open);
      const stateCfg = plan.def.machine.states[state] as StateConfig;
      const final = stateCfg.type === 'final';
      const path = plan.paths.get(state)!;
      const version = 1 + path.length;
      const stepGap = (1 + rand() * 6) * DAY;
      const createdAt = Math.max(p.createdAt, now - rand() * 3 * 365 * DAY - version * stepGap);
      const updatedAt = Math.min(now - rand() * DAY, createdAt + path.length * stepGap);
      const id = uuid7(createdAt);
      const data = prefill(plan.def, p);
      const snapshot = {
        workflowId: wfId, workflowVersion: plan.def.version, value: state, status: final ? 'done' : 'active',
        context: {
          data, materials: path.length ? plan.requiredMaterials : [],
          outcome: final ? stateCfg.meta.outcome ?? null : null,
        },
      };
      // With a timer_at column a step's own timer is kept apart from its SLA (due_at), as the service does.
      const timed = !final && (hasTimer ? stateCfg.meta.sla : stateCfg.meta.sla || stateCfg.meta.timer);
      const dueAt = timed ? now + (-15 + rand() * 45) * DAY : null;
      const timerAt = hasTimer && !final && stateCfg.meta.timer ? now + (1 + rand() * 20) * DAY : null;
      if (!final) openCases++;
      if (dueAt !== null && dueAt < now) overdue++;
      const createdBy = pick(CLERKS);
      const startEntry = { data, parentCaseId: null };
      const history: { row: unknown[]; payload: Record<string, unknown> }[] = [
        { row: [id, 1, 'machine', 'START', JSON.stringify(sealing ? sealing.payload(id, 1, startEntry) : startEntry), createdBy, null, plan.def.machine.initial, new Date(createdAt).toISOString()], payload: startEntry },
        ...path.map((s, i) => ({ row: [id, i + 2, 'machine', s.event, '{"data":{}}', pick(CLERKS), s.from, s.to, new Date(createdAt + (i + 1) * stepGap).toISOString()], payload: { data: {} } })),
      ];
      // Every other looping case goes to the deep pool until it is full: spread over items and the table.
      // A step escalated past the top (a district step overdue beyond the grace) waits for a supervisor: the
      // clerk's step load would get 403, so such cases stay out of the load's pools.
      const level = actingLevel(stateCfg);
      const steppable = state === plan.loopState && !(hasMarks && marks(dueAt, level)[2] === level);
      const deep = steppable && deepPool.length < opts.deepCases && rand() < 0.5;
      if (deep) {
        const loop = LOOP_STEPS.find((l) => l.workflowId === wfId)!;
        const entry = { data: loop.data };
        const from = createdAt + path.length * stepGap;
        for (let seq = history.length + 1; seq <= opts.deepEntries; seq++) {
          const at = new Date(Math.min(from + (seq - history.length) * 3_600_000, now - 60_000)).toISOString();
          history.push({ row: [id, seq, 'machine', loop.event, JSON.stringify(sealing ? sealing.payload(id, seq, entry) : entry), pick(CLERKS), state, state, at], payload: entry });
        }
      }
      const caseVersion = history.length;
      let head = genesisHash(id);
      for (const h of history) {
        if (hasChain) {
          const [, seq, kind, type, , actorId, fromState, toState, at] =
            h.row as [string, number, string, string, string, string, string | null, string, string];
          head = linkHash(head, entryDigest(id, {
            seq, kind, type, payload: h.payload, actorId, fromState, toState, at: new Date(at), priorTiming: null,
          }));
          h.row.push(head);
        }
        eBuf.push(h.row);
      }
      cBuf.push([
        id, wfId, plan.def.version, p.id, p.stationId, p.stationPath, state, final ? 'closed' : 'open', !plan.def.allowConcurrentCases,
        snapshot.context.outcome, caseVersion, JSON.stringify(sealing ? sealing.snapshot(id, snapshot) : snapshot),
        final ? null : actingLevel(stateCfg), dueAt === null ? null : new Date(dueAt).toISOString(), createdBy,
        new Date(createdAt).toISOString(), new Date(updatedAt).toISOString(),
        final ? new Date(updatedAt).toISOString() : null,
        ...(hasClock ? [new Date(updatedAt).toISOString(), new Date(updatedAt).toISOString()] : []),
        ...(hasTimer ? [timerAt === null ? null : new Date(timerAt).toISOString()] : []),
        ...(hasMarks ? marks(dueAt, actingLevel(stateCfg)) : []),
        ...(hasChain ? [head] : []),
        ...(numbers ? [numbers.next(plan.def.abbreviation, createdAt)] : []),
      ]);
      events += caseVersion;
      cases++;
      if (deep) deepPool.push({ id, workflowId: wfId, version: caseVersion });
      else if (steppable) stepPool.push({ id, workflowId: wfId, version });
    }
    if (cBuf.length >= 2000) {
      await flush(pBuf, cBuf, eBuf, rBuf);
      pBuf = []; cBuf = []; eBuf = []; rBuf = [];
      // Relations stay within a batch: batches are inserted in parallel.
      lastInVillage.clear();
      if (performance.now() - lastLog > 5000) {
        lastLog = performance.now();
        opts.log(`  seeded ${cases.toLocaleString('en')} / ${opts.cases.toLocaleString('en')} cases`);
      }
    }
  }
  await flush(pBuf, cBuf, eBuf, rBuf);

  // Persons with no case yet: the case-creation load opens cases for them.
  const createPairs: CreatePair[] = [];
  const freshByItem = new Map<string, string[]>();
  pBuf = [];
  for (let i = 0; i < opts.createPersons; i++) {
    const p = makePerson('fresh');
    persons++;
    pBuf.push(personRow(p));
    for (const wfId of eligibleItems(p, [])) {
      if (!freshByItem.has(wfId)) freshByItem.set(wfId, []);
      freshByItem.get(wfId)!.push(p.id);
    }
    if (pBuf.length >= 5000) {
      await flush(pBuf, [], [], []);
      pBuf = [];
    }
  }
  await flush(pBuf, [], [], []);
  await batcher.drain();
  await numbers?.store();
  // Item-major order: consecutive creations are for different persons, so they do not queue on one person's lock.
  for (const [workflowId, ids] of [...freshByItem.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    for (const personId of ids) createPairs.push({ personId, workflowId });
  }

  // Shuffled (deterministically) so the load does not walk the cases in creation order.
  for (let i = stepPool.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [stepPool[i], stepPool[j]] = [stepPool[j]!, stepPool[i]!];
  }
  return {
    stations: 1 + towns.length + villages.length, villages, towns, persons, cases, openCases, overdueCases: overdue,
    events, relations: relationsCount, workflowsUsed: used.size, stepPool, deepPool, createPairs, chainPersons,
    seedMs: performance.now() - t0,
  };
}
