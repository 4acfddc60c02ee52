import { existsSync, readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import type { Test } from 'tap';
import { sendSystemEvent } from '../../src/cases/case.service.ts';
import type { StateConfig, TransitionConfig, WorkflowDefinition } from '../../src/definitions/definition.types.ts';
import { compile, evaluateGuard, type CompiledWorkflow } from '../../src/engine/compile.ts';
import { isSystemEvent } from '../../src/definitions/transitions.ts';
import { actingLevel, start, step, type StoredSnapshot } from '../../src/engine/engine.ts';
import { makeIdNumber } from '../../src/personal-numbers/id-number.ts';
import { login } from './build.ts';
import { personFacts, prefillValues } from '../../src/definitions/prefill.ts';

type Data = Record<string, unknown>;

/** Valid data for a form or a transition; an array lists alternatives the path search chooses between. */
type Sample = Data | Data[];

/** Sample data kept beside each definition (workflows/samples/<id>.json). */
export interface Samples {
  person: { birthDate?: string; sex?: 'male' | 'female'; attributes?: Record<string, unknown> };
  prerequisites?: string[];
  forms: Record<string, Sample>;
  /** Data for one transition, keyed "state.EVENT" or "state.EVENT[i]" for the i-th guarded branch. */
  transitions?: Record<string, Sample>;
}

export interface Edge {
  from: string;
  event: string;
  index: number;
  to: string;
}

/** One step of a path: an edge and the data sent with it (none for system events and form-less steps). */
export interface Step extends Edge {
  data?: Data;
}

function loadDefinition(id: string): WorkflowDefinition {
  return JSON.parse(readFileSync(new URL(`../../workflows/${id}.json`, import.meta.url), 'utf8'));
}

/** The sample data of a form (the first, where the samples give several). */
export function formSample(samples: Samples, formId: string): Record<string, unknown> {
  const s = samples.forms[formId]!;
  return (Array.isArray(s) ? s[0] : s) as Record<string, unknown>;
}

export function loadSamples(id: string): Samples {
  const url = new URL(`../../workflows/samples/${id}.json`, import.meta.url);
  if (!existsSync(url)) throw new Error(`no sample data at workflows/samples/${id}.json`);
  return JSON.parse(readFileSync(url, 'utf8'));
}

function transitions(state: StateConfig): [string, TransitionConfig[]][] {
  return Object.entries(state.on ?? {}).map(([e, t]) => [e, Array.isArray(t) ? t : [t]]);
}

function edgesOf(def: WorkflowDefinition): Edge[] {
  const out: Edge[] = [];
  for (const [from, state] of Object.entries(def.machine.states)) {
    for (const [event, ts] of transitions(state)) {
      ts.forEach((t, index) => out.push({ from, event, index, to: t.target ?? from }));
    }
  }
  return out;
}

const edgeKey = (e: Edge) => `${e.from}.${e.event}[${e.index}]`;

function isFinal(def: WorkflowDefinition, state: string): boolean {
  return def.machine.states[state]!.type === 'final';
}

/**
 * The sample data that may be sent along an edge: one or more alternatives (`undefined` where no
 * form is filled in).
 */
function alternativesFor(def: WorkflowDefinition, samples: Samples, e: Edge): (Data | undefined)[] {
  const t = samples.transitions ?? {};
  const specific = t[`${e.from}.${e.event}[${e.index}]`] ?? t[`${e.from}.${e.event}`];
  if (isSystemEvent(e.event)) {
    if (specific) throw new Error(`${def.id}: system event ${e.from}.${e.event} carries no data, yet the samples give some`);
    return [undefined];
  }
  if (specific) return Array.isArray(specific) ? specific : [specific];
  const form = def.machine.states[e.from]!.meta.events?.[e.event]?.form;
  if (!form) return [undefined];
  const sample = samples.forms[form];
  if (!sample) throw new Error(`${def.id}: no sample for form "${form}" (needed at ${e.from}.${e.event})`);
  return Array.isArray(sample) ? sample : [sample];
}

/* ------------------------------------------------------------------------------------------------
 * Path search. Which branch a guarded event takes depends on the data the case holds, so paths are
 * found by running the pure engine over the sample data: a path is only proposed if the engine,
 * given exactly the data the test will send, walks it edge by edge (the intended branch chosen).
 * ---------------------------------------------------------------------------------------------- */

/** Runs the engine as the service's own actor: who may act is the runner's concern, not the search's. */
const SEARCHER = { id: 'path-search', role: 'system', level: 'system' } as const;

interface Node {
  snapshot: StoredSnapshot;
  path: Step[];
}

const nodeKey = (s: StoredSnapshot) => `${s.value}\u0000${JSON.stringify(s.context)}`;

/** The branch of an event the engine takes for this data: the first whose guard passes (xstate's rule). */
function branchTaken(wf: CompiledWorkflow, snap: StoredSnapshot, event: string, data: Data | undefined): number {
  const t = wf.definition.machine.states[snap.value]!.on?.[event];
  const ts = t === undefined ? [] : Array.isArray(t) ? t : [t];
  return ts.findIndex((x) => !x.guard || evaluateGuard(wf, x.guard, snap.context, { type: event, data }));
}

class PathSearch {
  readonly wf: CompiledWorkflow;
  readonly edges: Edge[];
  /** Why each edge could not be taken, for the error when one stays uncovered. */
  readonly refusals = new Map<string, Set<string>>();
  /** Set when the search stopped short at its depth or size limit, so "never reached" may not be the whole story. */
  truncated = false;
  private readonly endCache = new Map<string, Step[] | null>();

  constructor(
    readonly def: WorkflowDefinition, readonly samples: Samples, readonly maxDepth = 40, readonly maxNodes = 20_000,
  ) {
    this.wf = compile(def);
    this.edges = edgesOf(def);
  }

  initial(): Node {
    return { snapshot: start(this.wf, simulatedPrefill(this.def, this.samples)).snapshot, path: [] };
  }

  /** Takes one edge with one alternative of its data; the next snapshot, or why the engine would not. */
  advance(snap: StoredSnapshot, e: Edge, data: Data | undefined): StoredSnapshot | null {
    const result = step(this.wf, snap, { type: e.event, data }, SEARCHER, { lang: 'zh', now: new Date(), holder: null }); // the service under test runs on the system clock
    let why: string | undefined;
    if (!result.ok) {
      why = `${result.code}${result.errors ? ' ' + JSON.stringify(result.errors) : ''}${result.detail ? ' ' + result.detail.zh : ''}`;
    } else {
      const branch = branchTaken(this.wf, snap, e.event, data);
      if (branch !== e.index) why = `the case data chooses branch [${branch}] instead`;
      else if (result.snapshot.value !== e.to) why = `the engine went to ${result.snapshot.value}`;
    }
    if (why === undefined) return (result as { snapshot: StoredSnapshot }).snapshot;
    const key = edgeKey(e);
    if (!this.refusals.has(key)) this.refusals.set(key, new Set());
    this.refusals.get(key)!.add(why);
    return null;
  }

  *successors(node: Node): Generator<Node> {
    for (const e of this.edges) {
      if (e.from !== node.snapshot.value) continue;
      for (const data of alternativesFor(this.def, this.samples, e)) {
        const next = this.advance(node.snapshot, e, data);
        if (next) yield { snapshot: next, path: [...node.path, { ...e, data }] };
      }
    }
  }

  /**
   * Every distinct (state, case data) reachable from `root`, each by its shortest path, breadth
   * first; expanded lazily, only as far as the caller reads.
   */
  *reach(root: Node): Generator<Node> {
    const seen = new Set([nodeKey(root.snapshot)]);
    const out = [root];
    for (let i = 0; i < out.length; i++) {
      const node = out[i]!;
      yield node;
      if (isFinal(this.def, node.snapshot.value)) continue;
      if (node.path.length - root.path.length >= this.maxDepth) {
        this.truncated = true;
        continue;
      }
      for (const next of this.successors(node)) {
        const key = nodeKey(next.snapshot);
        if (seen.has(key)) continue;
        if (seen.size >= this.maxNodes) {
          this.truncated = true;
          continue;
        }
        seen.add(key);
        out.push(next);
      }
    }
  }

  /** The shortest continuation from a node to any final state, or null when the samples lead nowhere final. */
  toEnd(node: Node): Step[] | null {
    if (isFinal(this.def, node.snapshot.value)) return [];
    const key = nodeKey(node.snapshot);
    if (this.endCache.has(key)) return this.endCache.get(key)!;
    let end: Step[] | null = null;
    for (const n of this.reach({ snapshot: node.snapshot, path: [] })) {
      if (isFinal(this.def, n.snapshot.value)) {
        end = n.path;
        break;
      }
    }
    this.endCache.set(key, end);
    return end;
  }
}

/** The data a case starts with, as the service pre-fills it from a person shaped by the samples. */
function simulatedPrefill(def: WorkflowDefinition, samples: Samples): Data {
  if (!def.prefill) return {};
  const birthDate = samples.person.birthDate ?? '1990-05-01';
  const sex = samples.person.sex ?? 'male';
  const idNumber = makeIdNumber('330102', birthDate, sex === 'male' ? 101 : 100);
  return prefillValues(def, personFacts({ name: '测试', idNumber, sex, birthDate, phone: null, attributes: samples.person.attributes ?? {} }));
}

const pathCache = new Map<string, { def: WorkflowDefinition; samples: Samples; paths: Step[][] }>();

/**
 * Paths that together take every transition at least once, each ending in a final state: for each
 * transition the shortest way through it from the start to an end, and the shortest way to every
 * final state. Only paths the engine really walks with the sample data are chosen, so a guarded
 * branch is reached with data that selects it; a transition no sample data can reach is an error.
 */
function coveringPaths(def: WorkflowDefinition, samples: Samples): Step[][] {
  const search = new PathSearch(def, samples);
  const walk = search.reach(search.initial());
  const reached: Node[] = [];
  /** The reached nodes in breadth-first order, read on demand. */
  function* nodes(): Generator<Node> {
    for (let i = 0; ; i++) {
      while (i >= reached.length) {
        const r = walk.next();
        if (r.done) return;
        reached.push(r.value);
      }
      yield reached[i]!;
    }
  }
  const covered = new Set<string>();
  const paths: Step[][] = [];
  const take = (p: Step[]) => {
    paths.push(p);
    p.forEach((e) => covered.add(edgeKey(e)));
  };
  const finalStates = Object.keys(def.machine.states).filter((s) => isFinal(def, s));
  const finals = new Set<string>();
  for (const node of nodes()) {
    const s = node.snapshot.value;
    if (isFinal(def, s) && !finals.has(s)) {
      finals.add(s);
      take(node.path);
      if (finals.size === finalStates.length) break;
    }
  }
  const problems: string[] = [];
  for (const s of finalStates) if (!finals.has(s)) problems.push(`final state ${s} is never reached`);
  for (const e of search.edges) {
    if (covered.has(edgeKey(e))) continue;
    let best: Step[] | null = null;
    let sourceReached = false;
    let deadEnd = false;
    for (const node of nodes()) {
      if (best && node.path.length + 1 >= best.length) break;
      if (node.snapshot.value !== e.from) continue;
      sourceReached = true;
      for (const data of alternativesFor(def, samples, e)) {
        const next = search.advance(node.snapshot, e, data);
        if (!next) continue;
        const stepTaken = { ...e, data };
        const end = search.toEnd({ snapshot: next, path: [...node.path, stepTaken] });
        if (end === null) {
          deadEnd = true;
          continue;
        }
        const p = [...node.path, stepTaken, ...end];
        if (!best || p.length < best.length) best = p;
      }
    }
    if (best) take(best);
    else {
      const why = [...(search.refusals.get(edgeKey(e)) ?? [])];
      if (!sourceReached) why.push(`no sample data reaches ${e.from}`);
      if (deadEnd) why.push(`after it no sample data reaches a final state`);
      problems.push(`${edgeKey(e)} cannot be taken with the sample data (${why.join('; ')})`);
    }
  }
  if (problems.length) {
    const limit = search.truncated ? `\n(the search stopped at its limit of ${search.maxDepth} steps or ${search.maxNodes} states)` : '';
    throw new Error(`${def.id}: ${problems.join('\n')}${limit}`);
  }
  return paths;
}

/** A workflow's definition, samples and covering paths, searched once per process. */
export function cachedPaths(id: string): { def: WorkflowDefinition; samples: Samples; paths: Step[][] } {
  if (!pathCache.has(id)) {
    const def = loadDefinition(id);
    const samples = loadSamples(id);
    pathCache.set(id, { def, samples, paths: coveringPaths(def, samples) });
  }
  return pathCache.get(id)!;
}

/** The demo users the runner acts as, clerks first. */
const DEMO_USERS = [
  { username: 'village-clerk', level: 'village', role: 'clerk' },
  { username: 'town-clerk', level: 'town', role: 'clerk' },
  { username: 'district-clerk', level: 'district', role: 'clerk' },
  { username: 'district-clerk-2', level: 'district', role: 'clerk' },
  { username: 'supervisor', level: 'district', role: 'supervisor' },
  { username: 'policy', level: 'district', role: 'policy' },
] as const;

/** Who opens cases (and so sends START). */
const OPENER = 'district-clerk';

let personSeq = 0;

export class PathRunner {
  private headers = new Map<string, Record<string, string>>();
  constructor(readonly app: FastifyInstance) {}

  async as(username: string): Promise<Record<string, string>> {
    if (!this.headers.has(username)) this.headers.set(username, await login(this.app, username));
    return this.headers.get(username)!;
  }

  /** A fresh person in the demo village, shaped by the samples. */
  async newPerson(samples: Samples): Promise<string> {
    const birth = samples.person.birthDate ?? '1990-05-01';
    const male = (samples.person.sex ?? 'male') === 'male';
    const seq = 100 + (personSeq++ % 400) * 2 + (male ? 1 : 0);
    const idNumber = makeIdNumber(String(330102 + ((personSeq / 400) | 0)).padStart(6, '0'), birth, seq);
    const res = await this.app.inject({
      method: 'POST', url: '/api/v1/persons', headers: await this.as('village-clerk'),
      payload: { name: `测试${personSeq}`, idNumber, attributes: samples.person.attributes ?? {} },
    });
    if (res.statusCode !== 201) throw new Error(`person: ${res.statusCode} ${res.body}`);
    return res.json().id;
  }

  async open(workflowId: string, personId: string) {
    const res = await this.app.inject({ method: 'POST', url: '/api/v1/cases', headers: await this.as(OPENER), payload: { workflowId, personId } });
    if (res.statusCode !== 201) throw new Error(`open ${workflowId}: ${res.statusCode} ${res.body}`);
    return { view: res.json(), actor: OPENER as string | null };
  }

  /**
   * Who acts on an edge: a user of the step's level holding a role the step allows (a clerk unless
   * the definition says otherwise); at a four-eyes step, one other than who sent the last event.
   */
  actorFor(def: WorkflowDefinition, e: Edge, previous: string | null): string {
    const state = def.machine.states[e.from]!;
    const roles: string[] = state.meta.events?.[e.event]?.roles ?? state.meta.roles ?? ['clerk'];
    const level = actingLevel(state) ?? 'district';
    const able = DEMO_USERS.filter((u) => u.level === level && roles.includes(u.role)).map((u) => u.username as string);
    const user = state.meta.fourEyes ? able.find((u) => u !== previous) : able[0];
    if (!user) throw new Error(`${def.id}: no demo user may act at ${e.from}.${e.event} (level ${level}, roles ${roles.join('/')}${state.meta.fourEyes ? `, not ${previous}` : ''})`);
    return user;
  }

  /**
   * Takes one step through the HTTP API (or the service for system events); returns the case after
   * it and who sent it.
   */
  async take(def: WorkflowDefinition, caseView: { id: string; version: number }, e: Step, previous: string | null) {
    if (isSystemEvent(e.event)) {
      const ok = await sendSystemEvent(this.app.caseDeps, caseView.id, e.event, caseView.version);
      if (!ok) throw new Error(`${def.id}: system event ${e.event} refused at ${e.from}`);
      const res = await this.app.inject({ url: `/api/v1/cases/${caseView.id}`, headers: await this.as(OPENER) });
      return { view: res.json(), actor: null };
    }
    const actor = this.actorFor(def, e, previous);
    const res = await this.app.inject({
      method: 'POST', url: `/api/v1/cases/${caseView.id}/events`, headers: await this.as(actor),
      payload: { type: e.event, data: e.data, expectedVersion: caseView.version },
    });
    if (res.statusCode !== 200) throw new Error(`${def.id}: ${e.from} --${e.event}--> ${e.to} answered ${res.statusCode} to ${actor}: ${res.body.slice(0, 600)}`);
    return { view: res.json(), actor };
  }

  /** Walks an item to a final state that counts as done, so that items depending on it can start. */
  async complete(workflowId: string, personId: string): Promise<void> {
    const { def, paths } = cachedPaths(workflowId);
    const path = paths.find((p) => {
      const last = p[p.length - 1];
      const end = last ? last.to : def.machine.initial;
      return ['completed', 'granted', 'transferred'].includes(def.machine.states[end]!.meta.outcome ?? '');
    });
    if (!path) throw new Error(`${workflowId} has no path to a completed outcome`);
    let { view, actor } = await this.open(workflowId, personId);
    for (const e of path) ({ view, actor } = await this.take(def, view, e, actor));
    const end = path.length ? path[path.length - 1]!.to : def.machine.initial;
    if (view.state !== end || view.status !== 'closed') throw new Error(`${workflowId}: prerequisite ended in ${view.state} (${view.status}), not ${end}`);
  }
}

/** A path's name: its events, with the branch where an event has several. */
function labelOf(def: WorkflowDefinition, path: Step[]): string {
  return path.map((e) => {
    const t = def.machine.states[e.from]!.on?.[e.event];
    return Array.isArray(t) && t.length > 1 ? `${e.event}[${e.index}]` : e.event;
  }).join(' → ') || '(start)';
}

/**
 * Drives every covering path of a workflow through the service: each transition at least once,
 * each final state with its outcome and history, and, at every form step first taken, invalid
 * data that must come back 422 with a Chinese message on the right field.
 */
export async function exerciseWorkflow(t: Test, app: FastifyInstance, id: string): Promise<void> {
  const { def, samples, paths } = cachedPaths(id);
  const runner = new PathRunner(app);
  const invalidChecked = new Set<string>();
  const taken = new Set<string>();
  for (const path of paths) {
    await t.test(`${id}: ${labelOf(def, path)}`, async (t) => {
      const personId = await runner.newPerson(samples);
      for (const pre of samples.prerequisites ?? []) await runner.complete(pre, personId);
      let { view, actor } = await runner.open(id, personId);
      t.equal(view.state, def.machine.initial, 'starts in the initial state');
      for (const e of path) {
        const form = def.machine.states[e.from]!.meta.events?.[e.event]?.form;
        if (form && !invalidChecked.has(`${e.from}.${e.event}`) && !isSystemEvent(e.event)) {
          invalidChecked.add(`${e.from}.${e.event}`);
          await checkInvalid(t, runner, def, view, e, form, actor);
        }
        ({ view, actor } = await runner.take(def, view, e, actor));
        t.equal(view.state, e.to, `${e.from} --${e.event}--> ${e.to}`);
        taken.add(edgeKey(e));
      }
      const end = path.length ? path[path.length - 1]!.to : def.machine.initial;
      const endState = def.machine.states[end]!;
      t.equal(view.status, endState.type === 'final' ? 'closed' : 'open');
      t.equal(view.outcome, endState.meta.outcome ?? view.outcome, 'records the outcome');
      const machineEvents = view.history.filter((h: { kind: string }) => h.kind === 'machine').map((h: { type: string }) => h.type);
      t.same(machineEvents, ['START', ...path.map((e) => e.event)], 'the history holds every step in order');
    });
  }
  t.equal(taken.size, edgesOf(def).length, `${id}: every transition taken`);
}

async function checkInvalid(
  t: Test, runner: PathRunner, def: WorkflowDefinition, view: { id: string; version: number }, e: Step, formId: string,
  previous: string | null,
) {
  const schema = def.forms[formId]!;
  const valid = e.data ?? {};
  const required = (schema.required as string[] | undefined) ?? [];
  const props = (schema.properties ?? {}) as Record<string, Record<string, unknown>>;
  const formatted = Object.keys(props).find((k) => typeof props[k]!.format === 'string' && k in valid);
  const broken: [Record<string, unknown>, string][] = [];
  if (required[0]) {
    const { [required[0]]: _, ...rest } = valid;
    broken.push([rest, `/${required[0]}`]);
  }
  if (formatted) broken.push([{ ...valid, [formatted]: '不是合法值x' }, `/${formatted}`]);
  const actor = runner.actorFor(def, e, previous);
  for (const [data, path] of broken) {
    const res = await runner.app.inject({
      method: 'POST', url: `/api/v1/cases/${view.id}/events`, headers: await runner.as(actor),
      payload: { type: e.event, data, expectedVersion: view.version },
    });
    t.equal(res.statusCode, 422, `${formId}: invalid ${path} is refused`);
    const err = res.json().errors?.find((x: { path: string }) => x.path === path);
    t.ok(err && /[\u4e00-\u9fa5]/.test(err.message), `${formId}: a Chinese message on ${path}`);
  }
}
