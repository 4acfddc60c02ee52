import t from 'tap';
import { readdirSync, readFileSync } from 'node:fs';
import type { JsonSchema, WorkflowDefinition } from '../src/definitions/definition.types.ts';
import { answerRows } from '../src/pages/form-answers.ts';
import { errorList } from '../src/pages/form-errors.ts';
import { applyGroupAction, parseForm, withoutRaw } from '../src/pages/form-parse.ts';
import { renderForm } from '../src/pages/form-render.ts';

const workflowsDir = new URL('../workflows/', import.meta.url);
const definitions = readdirSync(workflowsDir).filter((f) => f.endsWith('.json'))
  .map((f) => JSON.parse(readFileSync(new URL(f, workflowsDir), 'utf8')) as WorkflowDefinition);

function unescape(s: string): string {
  return s.replace(/&(amp|lt|gt|quot|#x27|#x3D|#x60|#39|#34);/g, (_, e: string) => ({ amp: '&', lt: '<', gt: '>', quot: '"', '#x27': "'", '#x3D': '=', '#x60': '`', '#39': "'", '#34': '"' })[e]!);
}

/** What a browser would post for a rendered form: filled inputs, ticked boxes, chosen options, textareas. */
function serialize(html: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const add = (k: string, v: string) => out.set(k, [...(out.get(k) ?? []), v]);
  for (const m of html.matchAll(/<input([^>]*)>/g)) {
    const attrs = m[1]!;
    const name = /name="([^"]*)"/.exec(attrs)?.[1];
    const type = /type="([^"]*)"/.exec(attrs)?.[1] ?? 'text';
    if (!name || type === 'file') continue;
    if ((type === 'checkbox' || type === 'radio') && !/\schecked/.test(attrs)) continue;
    add(unescape(name), unescape(/value="([^"]*)"/.exec(attrs)?.[1] ?? ''));
  }
  for (const m of html.matchAll(/<select[^>]*name="([^"]*)"[^>]*>([\s\S]*?)<\/select>/g)) {
    const chosen = /<option value="([^"]*)" selected>/.exec(m[2]!);
    add(unescape(m[1]!), chosen ? unescape(chosen[1]!) : '');
  }
  for (const m of html.matchAll(/<textarea[^>]*name="([^"]*)"[^>]*>([\s\S]*?)<\/textarea>/g)) add(unescape(m[1]!), unescape(m[2]!));
  return out;
}

function sortChoices(v: unknown): unknown {
  if (Array.isArray(v)) return v.every((x) => typeof x !== 'object') ? [...v].sort() : v.map(sortChoices);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, sortChoices(x)]));
  return v;
}

/** Every control has a label: <label for>, or an aria-label, or it is a box inside a fieldset with a legend. */
function unlabelled(html: string): string[] {
  const labels = new Set([...html.matchAll(/<label[^>]*for="([^"]+)"/g)].map((m) => m[1]!));
  const out: string[] = [];
  for (const m of html.matchAll(/<(input|select|textarea)([^>]*)>/g)) {
    const attrs = m[2]!;
    if (/type="hidden"/.test(attrs)) continue;
    const id = /id="([^"]+)"/.exec(attrs)?.[1];
    if (!id || !labels.has(id)) out.push(m[0]);
  }
  return out;
}

t.test('every form of the 22 items renders with a label for each control, and a sample posted back reads as it was', async (t) => {
  let forms = 0;
  let roundTrips = 0;
  for (const def of definitions) {
    let samples: Record<string, Record<string, unknown> | Record<string, unknown>[]> = {};
    try {
      samples = (JSON.parse(readFileSync(new URL(`samples/${def.id}.json`, workflowsDir), 'utf8')) as { forms: typeof samples }).forms;
    } catch { /* an item without samples still renders */ }
    for (const [formId, schema] of Object.entries(def.forms)) {
      forms++;
      const given = samples[formId];
      // A sample is one form's data, or several variants of it.
      const variants = given === undefined ? [undefined] : Array.isArray(given) ? given : [given];
      for (const [i, sample] of variants.entries()) {
        const html = renderForm(schema, sample ?? {}, { lang: 'zh', errors: new Map() });
        const name = `${def.id}/${formId}${variants.length > 1 ? ` #${i + 1}` : ''}`;
        if (i === 0) {
          t.same(unlabelled(html), [], `${name}: every control is labelled`);
          const ids = [...html.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]!);
          t.equal(new Set(ids).size, ids.length, `${name}: ids are unique`);
        }
        if (!sample) continue;
        const posted = serialize(html);
        const parsed = parseForm(schema, (n) => posted.get(n) ?? [], 'zh');
        t.same(parsed.errors, new Map(), `${name}: the sample reads back without problems`);
        // Several choices come back in the order of the options (they are sets: uniqueItems).
        t.same(sortChoices(parsed.data), sortChoices(sample), `${name}: the sample survives a round trip through the page`);
        roundTrips++;
      }
    }
  }
  t.ok(forms > 100, `${forms} forms rendered`);
  t.ok(roundTrips > 60, `${roundTrips} samples posted back`);
});

const members: JsonSchema = {
  type: 'object', additionalProperties: false, required: ['members', 'hasCar', 'confirmed'],
  properties: {
    members: {
      type: 'array', title: '家庭成员', 'x-title-en': 'Family members', minItems: 1, maxItems: 3,
      items: {
        type: 'object', additionalProperties: false, required: ['name', 'relation'],
        properties: {
          name: { type: 'string', title: '姓名', minLength: 1 },
          relation: { type: 'string', title: '关系', enum: ['spouse', 'child'], 'x-ui': { widget: 'select', labels: { spouse: '配偶', child: '子女' } } },
          income: { type: 'integer', title: '月收入', minimum: 0, 'x-ui': { widget: 'money-fen' } },
        },
      },
    },
    hasCar: { type: 'boolean', title: '是否有车' },
    carPlate: { type: 'string', title: '车牌号' },
    confirmed: { type: 'boolean', const: true, title: '已核实' },
  },
  allOf: [{ if: { properties: { hasCar: { const: true } }, required: ['hasCar'] }, then: { required: ['carPlate'] } }],
};

t.test('repeating groups: add, remove (later items move up), empty rows dropped on continue', async (t) => {
  const data: Record<string, unknown> = { members: [{ name: '甲', relation: 'spouse' }] };
  t.ok(applyGroupAction(members, data, 'add:/members'));
  t.same(data.members, [{ name: '甲', relation: 'spouse' }, {}]);
  t.notOk(applyGroupAction(members, data, 'add:/nothing'), 'only groups the form has');
  const html = renderForm(members, { members: [{ name: '甲', relation: 'spouse' }, { name: '乙', relation: 'child', income: 120000 }, { name: '丙', relation: 'child' }] }, { lang: 'zh', errors: new Map() });
  t.match(html, 'name="_count.members" value="3"');
  t.match(html, 'value="remove:/members/1"');
  t.match(html, /id="f-members-1-income" name="d.members.1.income"[^>]*value="1200.00"/, 'the fen stored are typed back in yuan');
  t.match(html, 'data-yuan-echo="f-members-1-income">&#x3D; 1,200.00 元<', 'and read back beside the box');
  t.match(html, '<legend>家庭成员 第2项</legend>');
  const posted = serialize(html);
  const back = parseForm(members, (n) => posted.get(n) ?? [], 'zh');
  t.same(back.data.members, [{ name: '甲', relation: 'spouse' }, { name: '乙', relation: 'child', income: 120000 }, { name: '丙', relation: 'child' }]);
  t.ok(applyGroupAction(members, back.data, 'remove:/members/1'));
  t.same(back.data.members, [{ name: '甲', relation: 'spouse' }, { name: '丙', relation: 'child' }], 'the third becomes the second');

  // An empty row between two filled ones is dropped; what follows moves up and its errors follow it.
  const form = new Map<string, string[]>([['_count.members', ['3']], ['d.members.0.name', ['甲']], ['d.members.0.relation', ['spouse']], ['d.members.1.name', ['']],
    ['d.members.2.name', ['丙']], ['d.members.2.income', ['一千']], ['_present.confirmed', ['1']]]);
  const read = parseForm(members, (n) => form.get(n) ?? [], 'zh');
  t.same(withoutRaw(read.data, read.raw).members, [{ name: '甲', relation: 'spouse' }, { name: '丙' }]);
  t.same([...read.errors.keys()], ['/members/1/income'], 'the bad amount is reported where the row now is');
  t.equal(read.errors.get('/members/1/income')![0], '「月收入」请填写以“元”为单位的金额，如 1234.50');
  t.equal(read.data.confirmed, false, 'an unticked confirmation is a no, for the validator to explain');
});

t.test('conditional fields: marked for the script, explained without it; errors in field order', async (t) => {
  const html = renderForm(members, {}, { lang: 'zh', errors: new Map([['/carPlate', ['「车牌号」为必填项']], ['', ['不满足办理条件']], ['/hasCar', ['「是否有车」为必填项']]]) });
  t.match(html, /id="f-carPlate-field" data-show-field="d.hasCar" data-show-values="\[&quot;true&quot;\]"/);
  t.match(html, '仅在需要时填写');
  t.match(html, /<input class="input" id="f-carPlate"[^>]*aria-describedby="f-carPlate-error"[^>]*aria-invalid="true"/);
  const list = errorList(members, new Map([['/carPlate', ['b']], ['', ['a']], ['/hasCar', ['c']], ['/members/0/name', ['d']]]), 'zh');
  t.same(list.map((e) => e.text), ['a', '家庭成员第1项：d', 'c', 'b'], 'whole-form problems first, then in the order of the fields; group items say which');
  t.same(list.map((e) => e.href), [null, '#f-members-0-name', '#f-hasCar', '#f-carPlate']);
});

t.test('answers read back: labels for choices, yes/no, amounts, groups', async (t) => {
  const rows = answerRows(members, { members: [{ name: '甲', relation: 'spouse', income: 5000 }], hasCar: false, confirmed: true }, 'zh');
  t.match(rows, [{ label: '家庭成员', value: '共1项', items: [{ label: '家庭成员 第1项', rows: [{ label: '姓名', value: '甲' }, { label: '关系', value: '配偶' }, { label: '月收入', value: '50.00 元' }] }] }, { label: '是否有车', value: '否' }]);
  t.notOk(rows.some((r) => r.label === '车牌号'), 'a conditional field not asked for is not listed');
  const en = answerRows(members, { hasCar: true }, 'en');
  t.match(en.find((r) => r.label === '是否有车'), { value: 'Yes' });
});

t.test('what is typed is escaped', async (t) => {
  const html = renderForm(members, { carPlate: '"><script>alert(1)</script>' }, { lang: 'zh', errors: new Map([['/carPlate', ['<b>x</b>']]]) });
  t.notMatch(html, '<script>');
  t.notMatch(html, '<b>x</b>');
  t.match(html, '&lt;script&gt;');
});
