import { existsSync, readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import type { Test } from 'tap';
import { sendSystemEvent } from '../../src/cases/case.service.ts';
import type { StateConfig, TransitionConfig, WorkflowDefinition } from '../../src/definitions/definition.types.ts';
import { isSystemEvent } from '../../src/engine/engine.ts';
import { makeIdNumber } from '../../src/persons/id-number.ts';
import { login } from './build.ts';

/** Sample data kept beside each definition (workflows/samples/<id>.json). */
export interface Samples {
  person: { birthDate?: string; sex?: 'male' | 'female'; attributes?: Record<string, unknown> };
  prerequisites?: string[];
  forms: Record<string, Record<string, unknown>>;
  /** Data for one transition, keyed "state.EVENT" or "state.EVENT[i]" for the i-th guarded branch. */
  transitions?: Record<string, Record<string, unknown>>;
}

export interface Edge {
  from: string;
  event: string;
  index: number;
  to: string;
}

export function loadDefinition(id: string): WorkflowDefinition {
  return JSON.parse(readFileSync(new URL(`../../workflows/${id}.json`, import.meta.url), 'utf8'));
}

export function loadSamples(id: string): Samples {
  const url = new URL(`../../workflows/samples/${id}.json`, import.meta.url);
  if (!existsSync(url)) throw new Error(`no sample data at workflows/samples/${id}.json`);
  return JSON.parse(readFileSync(url, 'utf8'));
}

function transitions(state: StateConfig): [string, TransitionConfig[]][] {
  return Object.entries(state.on ?? {}).map(([e, t]) => [e, Array.isArray(t) ? t : [t]]);
}

export function edgesOf(def: WorkflowDefinition): Edge[] {
  const out: Edge[] = [];
  for (const [from, state] of Object.entries(def.machine.states)) {
    for (const [event, ts] of transitions(state)) ts.forEach((t, index) => out.push({ from, event, index, to: t.target ?? from }));
  }
  return out;
}

/** Shortest edge sequences from `start` to every state (breadth first, first-declared edges first). */
function shortestFrom(def: WorkflowDefinition, start: string): Map<string, Edge[]> {
  const edges = edgesOf(def);
  const paths = new Map<string, Edge[]>([[start, []]]);
  const queue = [start];
  while (queue.length) {
    const s = queue.shift()!;
    for (const e of edges.filter((x) => x.from === s)) {
      if (!paths.has(e.to)) {
        paths.set(e.to, [...paths.get(s)!, e]);
        queue.push(e.to);
      }
    }
  }
  return paths;
}

function isFinal(def: WorkflowDefinition, state: string): boolean {
  return def.machine.states[state]!.type === 'final';
}

/**
 * Paths that together take every transition at least once, each ending in a final state:
 * the shortest way to the transition's source, the transition, then the shortest way to an end.
 * Every final state's shortest path is among them.
 */
export function coveringPaths(def: WorkflowDefinition): Edge[][] {
  const fromInitial = shortestFrom(def, def.machine.initial);
  const toEnd = (state: string): Edge[] => {
    if (isFinal(def, state)) return [];
    const reach = shortestFrom(def, state);
    const finals = [...reach.entries()].filter(([s]) => isFinal(def, s)).sort((a, b) => a[1].length - b[1].length);
    return finals[0]![1];
  };
  const key = (e: Edge) => `${e.from}.${e.event}[${e.index}]`;
  const covered = new Set<string>();
  const paths: Edge[][] = [];
  const take = (p: Edge[]) => {
    paths.push(p);
    p.forEach((e) => covered.add(key(e)));
  };
  for (const [state, p] of fromInitial) if (isFinal(def, state)) take(p);
  for (const e of edgesOf(def)) {
    if (covered.has(key(e))) continue;
    take([...fromInitial.get(e.from)!, e, ...toEnd(e.to)]);
  }
  return paths;
}

export function dataFor(def: WorkflowDefinition, samples: Samples, e: Edge): Record<string, unknown> | undefined {
  const t = samples.transitions ?? {};
  const specific = t[`${e.from}.${e.event}[${e.index}]`] ?? t[`${e.from}.${e.event}`];
  if (specific) return specific;
  const form = def.machine.states[e.from]!.meta.events?.[e.event]?.form;
  if (!form) return undefined;
  const sample = samples.forms[form];
  if (!sample) throw new Error(`${def.id}: no sample for form "${form}" (needed at ${e.from}.${e.event})`);
  return sample;
}

const LEVEL_USERS: Record<string, string> = { village: 'village-clerk', town: 'town-clerk', district: 'district-clerk', city: 'district-clerk', province: 'district-clerk' };

let personSeq = 0;

export class PathRunner {
  private headers = new Map<string, Record<string, string>>();
  constructor(private readonly app: FastifyInstance) {}

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
    const res = await this.app.inject({ method: 'POST', url: '/api/v1/cases', headers: await this.as('district-clerk'), payload: { workflowId, personId } });
    if (res.statusCode !== 201) throw new Error(`open ${workflowId}: ${res.statusCode} ${res.body}`);
    return res.json();
  }

  /** Who acts at a state: the clerk of its level, a second district clerk where four eyes are needed. */
  actorFor(def: WorkflowDefinition, state: string, previous: string | null): string {
    const meta = def.machine.states[state]!.meta;
    let user = LEVEL_USERS[meta.level ?? 'district']!;
    if (meta.fourEyes && previous === user) user = user === 'district-clerk' ? 'district-clerk-2' : user;
    return user;
  }

  /** Takes one edge through the HTTP API (or the service for system events); returns the case after it. */
  async take(def: WorkflowDefinition, samples: Samples, caseView: { id: string; version: number }, e: Edge, previous: string | null) {
    if (isSystemEvent(e.event)) {
      const ok = await sendSystemEvent({ db: this.app.db, registry: this.app.registry, clock: this.app.clock }, caseView.id, e.event, caseView.version);
      if (!ok) throw new Error(`${def.id}: system event ${e.event} refused at ${e.from}`);
      const res = await this.app.inject({ url: `/api/v1/cases/${caseView.id}`, headers: await this.as('district-clerk') });
      return { view: res.json(), actor: previous };
    }
    const actor = this.actorFor(def, e.from, previous);
    const res = await this.app.inject({
      method: 'POST', url: `/api/v1/cases/${caseView.id}/events`, headers: await this.as(actor),
      payload: { type: e.event, data: dataFor(def, samples, e), expectedVersion: caseView.version },
    });
    if (res.statusCode !== 200) throw new Error(`${def.id}: ${e.from} --${e.event}--> ${e.to} answered ${res.statusCode}: ${res.body.slice(0, 600)}`);
    return { view: res.json(), actor };
  }

  /** Walks an item to a final state that counts as done, so that items depending on it can start. */
  async complete(workflowId: string, personId: string): Promise<void> {
    const def = loadDefinition(workflowId);
    const samples = loadSamples(workflowId);
    const path = coveringPaths(def).find((p) => {
      const last = p[p.length - 1];
      const end = last ? last.to : def.machine.initial;
      return ['completed', 'granted', 'transferred'].includes(def.machine.states[end]!.meta.outcome ?? '');
    });
    if (!path) throw new Error(`${workflowId} has no path to a completed outcome`);
    let view = await this.open(workflowId, personId);
    let actor: string | null = null;
    for (const e of path) ({ view, actor } = await this.take(def, samples, view, e, actor));
  }
}

/**
 * Drives every covering path of a workflow through the service: each transition at least once,
 * each final state with its outcome and history, and, at every form step first taken, invalid
 * data that must come back 422 with a Chinese message on the right field.
 */
export async function exerciseWorkflow(t: Test, app: FastifyInstance, id: string): Promise<void> {
  const def = loadDefinition(id);
  const samples = loadSamples(id);
  const runner = new PathRunner(app);
  const invalidChecked = new Set<string>();
  const paths = coveringPaths(def);
  const taken = new Set<string>();
  for (const path of paths) {
    const label = path.map((e) => e.event).join(' → ') || '(start)';
    await t.test(`${id}: ${label}`, async (t) => {
      const personId = await runner.newPerson(samples);
      for (const pre of samples.prerequisites ?? []) await runner.complete(pre, personId);
      let view = await runner.open(id, personId);
      t.equal(view.state, def.machine.initial, 'starts in the initial state');
      let actor: string | null = null;
      for (const e of path) {
        const form = def.machine.states[e.from]!.meta.events?.[e.event]?.form;
        if (form && !invalidChecked.has(`${e.from}.${e.event}`) && !isSystemEvent(e.event)) {
          invalidChecked.add(`${e.from}.${e.event}`);
          await checkInvalid(t, runner, def, samples, view, e, form, actor);
        }
        ({ view, actor } = await runner.take(def, samples, view, e, actor));
        t.equal(view.state, e.to, `${e.from} --${e.event}--> ${e.to}`);
        taken.add(`${e.from}.${e.event}[${e.index}]`);
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

async function checkInvalid(t: Test, runner: PathRunner, def: WorkflowDefinition, samples: Samples, view: { id: string; version: number }, e: Edge, formId: string, previous: string | null) {
  const schema = def.forms[formId]!;
  const valid = dataFor(def, samples, e) ?? {};
  const required = (schema.required as string[] | undefined) ?? [];
  const props = (schema.properties ?? {}) as Record<string, Record<string, unknown>>;
  const formatted = Object.keys(props).find((k) => typeof props[k]!.format === 'string' && k in valid);
  const broken: [Record<string, unknown>, string][] = [];
  if (required[0]) {
    const { [required[0]]: _, ...rest } = valid;
    broken.push([rest, `/${required[0]}`]);
  }
  if (formatted) broken.push([{ ...valid, [formatted]: '不是合法值x' }, `/${formatted}`]);
  const actor = runner.actorFor(def, e.from, previous);
  for (const [data, path] of broken) {
    const res = await runner['app'].inject({
      method: 'POST', url: `/api/v1/cases/${view.id}/events`, headers: await runner.as(actor),
      payload: { type: e.event, data, expectedVersion: view.version },
    });
    t.equal(res.statusCode, 422, `${formId}: invalid ${path} is refused`);
    const err = res.json().errors?.find((x: { path: string }) => x.path === path);
    t.ok(err && /[\u4e00-\u9fa5]/.test(err.message), `${formId}: a Chinese message on ${path}`);
  }
}
