import t from 'tap';
import { readFileSync } from 'node:fs';
import type { WorkflowDefinition } from '../src/definitions/definition.types.ts';
import { layersOf, stateDiagram } from '../src/policy/diagram.ts';

const load = (id: string) => JSON.parse(readFileSync(new URL(`../workflows/${id}.json`, import.meta.url), 'utf8')) as WorkflowDefinition;

t.test('layers by breadth-first depth from the initial state', async (t) => {
  const def = load('discharge-reporting');
  t.same(layersOf(def), [['reception'], ['lateReview', 'archiveCheck', 'awaitingMaterials', 'notAccepted', 'withdrawn'], ['completed']]);
  const lonely = structuredClone(def);
  lonely.machine.states.orphan = { meta: { step: { zh: '孤立', en: 'Orphan' }, level: 'town' } };
  t.same(layersOf(lonely).at(-1), ['orphan'], 'a state never reached goes in a last layer');
});

t.test('the SVG: every state in a box coloured by level with its time limit, arrows labelled with events', async (t) => {
  const def = load('discharge-reporting');
  const svg = stateDiagram(def, 'zh');
  t.match(svg, /^<svg [^>]*role="img"/);
  t.ok(svg.endsWith('</svg>'));
  for (const name of Object.keys(def.machine.states)) t.match(svg, `data-state="${name}"`, `box for ${name}`);
  t.match(svg, /data-state="reception" data-level="district"><rect[^>]*fill="#fdf1d6"/, 'district boxes are amber');
  t.match(svg, '时限 1个工作日', 'the SLA is in the box');
  t.match(svg, '期限 30日 → DEADLINE', 'so is the timer');
  t.match(svg, /data-from="reception" data-to="archiveCheck"/, 'an arrow for each transition');
  t.match(svg, '>SUBMIT<', 'labelled with its event');
  t.match(svg, /data-from="awaitingMaterials" data-to="reception"[^>]*stroke-dasharray/, 'going back is dashed');
  t.equal(stateDiagram(def, 'zh'), svg, 'pure: the same string each time');
  t.match(stateDiagram(def, 'en'), '1 working days');
  // Escaped text: a step title cannot break the markup.
  const evil = structuredClone(def);
  evil.machine.states.reception!.meta.step.zh = '<script>&';
  t.match(stateDiagram(evil, 'zh'), '&lt;script&gt;&amp;');
  t.notMatch(stateDiagram(evil, 'zh'), '<script>');
});

t.test('every item of the catalogue draws', async (t) => {
  const dir = new URL('../workflows/', import.meta.url);
  const { readdirSync } = await import('node:fs');
  const files = readdirSync(dir).filter((f) => f.endsWith('.json'));
  t.equal(files.length, 22);
  for (const f of files) {
    const def = load(f.slice(0, -5));
    const svg = stateDiagram(def);
    t.equal((svg.match(/class="state"/g) ?? []).length, Object.keys(def.machine.states).length, `${def.id}: a box per state`);
  }
});
