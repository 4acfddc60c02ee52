import t, { type Test } from 'tap';
import { readdirSync } from 'node:fs';
import type { BrowserContext, Page } from 'playwright-core';
import { choiceLabel, choiceValues } from '../src/definitions/choice-labels.ts';
import type { JsonSchema, WorkflowDefinition } from '../src/definitions/definition.types.ts';
import { isSystemEvent } from '../src/definitions/transitions.ts';
import { axeViolations, chromiumMissing, launch, listen, logIn } from './helpers/browser.ts';
import { build } from './helpers/build.ts';
import { cachedPaths, PathRunner, type Step } from './helpers/paths.ts';

/**
 * Every step form of the 22 items, opened in Chromium by the user who acts on it at a case walked
 * there through the API: each choice field shows the Chinese label of every value, never its code,
 * and the page has no axe violation. Lists of choices (困难类型 …) are also read back, by
 * label, on the check-your-answers page and in the case's recorded data.
 */

const HAN = /\p{Script=Han}/u;
const ids = readdirSync(new URL('../workflows/', import.meta.url)).filter((f) => f.endsWith('.json')).map((f) => f.slice(0, -5)).sort();

interface ShownChoice {
  field: string;
  value: string;
  label: string;
}

/** What the form offers for each choice: selects' options, radios' and checkboxes' labels, by field name. */
async function shownChoices(page: Page): Promise<ShownChoice[]> {
  return await page.evaluate(`(() => {
    const form = document.querySelector('[data-step-form]');
    const out = [];
    for (const o of form.querySelectorAll('select option')) if (o.value) out.push({ field: o.parentElement.name, value: o.value, label: o.textContent.trim() });
    for (const i of form.querySelectorAll('input[type=radio], input[type=checkbox]')) {
      if (!i.name.startsWith('d.')) continue;
      const label = form.querySelector('label[for="' + i.id + '"]');
      out.push({ field: i.name, value: i.value, label: label ? label.textContent.trim() : '' });
    }
    return out;
  })()`) as ShownChoice[];
}

/** The choice fields of a form, top level and inside groups, by their controls' name (`d.members.0.relation`). */
function choiceFields(schema: JsonSchema, prefix = 'd'): [string, JsonSchema][] {
  const out: [string, JsonSchema][] = [];
  const props = { ...schema.properties };
  // A conditional's own fields are drawn too (shown when their condition holds).
  for (const b of [schema, ...(schema.allOf ?? [])]) {
    for (const [k, v] of Object.entries(b.then?.properties ?? {})) props[k] ??= v;
  }
  for (const [key, field] of Object.entries(props)) {
    if (field.type === 'boolean') continue;
    if (choiceValues(field)) out.push([`${prefix}.${key}`, field]);
    else if (field.items?.type === 'object') out.push(...choiceFields(field.items, `${prefix}.${key}.0`));
  }
  return out;
}

/** Lists of choices that are not the materials checklist: the fields the issue found showing codes. */
function listFields(schema: JsonSchema): [string, JsonSchema][] {
  return Object.entries(schema.properties ?? {}).filter(([k, f]) => k !== 'materials' && k !== 'missing' && f.type === 'array' && f.items?.enum);
}

// What it checks is the pages' drawing of the definitions, the same on either database; the walk to each
// form (409 of them) takes minutes, so it runs once, on the embedded database.
const onPostgres = process.env.DATABASE_URL ? 'the forms are drawn the same on either database: run on the embedded one' : false;

t.test('every choice field of every step form shows Chinese labels, no codes', { skip: chromiumMissing || onPostgres, timeout: 3_600_000 }, async (t) => {
  const app = await build(t);
  const base = await listen(app);
  const browser = await launch(t);
  const contexts = new Map<string, { context: BrowserContext; page: Page }>();
  const pageOf = async (username: string) => {
    if (!contexts.has(username)) {
      const context = await browser.newContext({ locale: 'zh-CN' });
      const page = await context.newPage();
      await logIn(page, base, username);
      contexts.set(username, { context, page });
    }
    return contexts.get(username)!.page;
  };
  const runner = new PathRunner(app);
  let formsSeen = 0;
  const listsRead = new Set<string>();
  const listsDefined = new Set<string>();
  const axeProblems: string[] = [];

  for (const id of ids) {
    const { def, samples, paths } = cachedPaths(id);
    for (const [formId, form] of Object.entries(def.forms)) for (const [key] of listFields(form)) listsDefined.add(`${id}.${formId}.${key}`);
    const seen = new Set<string>();
    const formEdge = (e: Step) => !isSystemEvent(e.event) && def.machine.states[e.from]!.meta.events?.[e.event]?.form;
    const allForms = new Set(Object.entries(def.machine.states).flatMap(([name, s]) =>
      Object.entries(s.meta.events ?? {}).filter(([ev, m]) => m.form && !isSystemEvent(ev) && s.on?.[ev]).map(([ev]) => `${name}.${ev}`)));
    for (const path of paths) {
      // Walk a path only as far as its last form not yet opened.
      const last = path.findLastIndex((e) => formEdge(e) && !seen.has(`${e.from}.${e.event}`));
      if (last < 0) continue;
      const personId = await runner.newPerson(samples);
      for (const pre of samples.prerequisites ?? []) await runner.complete(pre, personId);
      let { view, actor } = await runner.open(id, personId);
      for (const e of path.slice(0, last + 1)) {
        const formId = formEdge(e);
        if (formId && !seen.has(`${e.from}.${e.event}`)) {
          seen.add(`${e.from}.${e.event}`);
          formsSeen++;
          const user = runner.actorFor(def, e, actor);
          const page = await pageOf(user);
          const res = await page.goto(`${base}/cases/${view.id}/act/${e.event}`);
          t.equal(res?.status(), 200, `${id} ${e.from}.${e.event}: the form opens for ${user}`);
          await checkForm(t, page, def, formId, `${id} ${e.from}.${e.event}`);
          for (const f of await axeViolations(page)) axeProblems.push(`${id} ${e.from}.${e.event}: ${f.id} ${f.nodes.join(', ')}`);
          const lists = listFields(def.forms[formId]!);
          if (lists.length) {
            await checkAnswersPage(t, page, base, view.id, e.event, def, lists, `${id} ${e.from}.${e.event}`);
            for (const [key] of lists) listsRead.add(`${id}.${formId}.${key}`);
          }
        }
        ({ view, actor } = await runner.take(def, view, e, actor));
        const given = (k: string) => Array.isArray(e.data?.[k]) && (e.data![k] as unknown[]).length > 0;
        const chosen = formId ? listFields(def.forms[formId]!).filter(([k]) => given(k)) : [];
        if (chosen.length) {
          const page = await pageOf(runner.actorFor(def, e, null));
          await checkCaseData(t, page, base, view.id, def, chosen, e.data!, `${id} after ${e.event}`);
        }
      }
    }
    t.same([...allForms].filter((k) => !seen.has(k)), [], `${id}: every step form was opened`);
  }
  t.ok(formsSeen > 150, `${formsSeen} step forms opened`);
  t.ok(listsDefined.size >= 13, `${listsDefined.size} lists of choices in the definitions`);
  t.same([...listsDefined].filter((k) => !listsRead.has(k)), [], 'each is read back on the check page');
  t.same(axeProblems, [], 'no axe violation on any step form');
});

async function checkForm(t: Test, page: Page, def: WorkflowDefinition, formId: string, where: string) {
  const shown = await shownChoices(page);
  const problems: string[] = [];
  for (const c of shown) {
    if (!HAN.test(c.label)) problems.push(`${c.field}=${c.value}: "${c.label}"`);
    if (c.label === c.value) problems.push(`${c.field}=${c.value}: the code itself`);
  }
  for (const [name, field] of choiceFields(def.forms[formId]!)) {
    for (const value of choiceValues(field)!) {
      const option = shown.find((c) => c.field === name && c.value === String(value));
      // A group's fields are drawn once a row is added: a group with no rows shows none.
      if (!option && name.split('.').length > 2) continue;
      const expected = choiceLabel(field, value, 'zh', def.materials);
      if (!option) problems.push(`${name}=${String(value)}: not offered`);
      else if (!option.label.startsWith(expected!)) problems.push(`${name}=${String(value)}: "${option.label}", not "${expected}"`);
    }
  }
  t.same(problems, [], `${where}: every choice by its Chinese label`);
}

/** Ticks every value of the form's lists, saves the draft and reads the check page back. */
async function checkAnswersPage(
  t: Test, page: Page, base: string, caseId: string, event: string, def: WorkflowDefinition,
  lists: [string, JsonSchema][], where: string,
) {
  for (const [key] of lists) for (const box of await page.locator(`input[type=checkbox][name="d.${key}"]`).all()) await box.check();
  await page.getByRole('button', { name: '保存草稿' }).click();
  await page.waitForURL(/\?saved=1/);
  await page.goto(`${base}/cases/${caseId}/act/${event}/check`);
  const text = await page.locator('main').innerText();
  for (const [key, field] of lists) {
    const labels = choiceValues(field)!.map((v) => choiceLabel(field, v, 'zh', def.materials)!);
    t.ok(labels.every((l) => text.includes(l)), `${where}: 「${field.title}」 read back by its labels on the check page`);
    t.notOk(choiceValues(field)!.some((v) => new RegExp(`(^|[\\s、])${String(v)}([\\s、]|$)`).test(text)), `${where}: ${key} shows no code`);
  }
  t.same(await axeViolations(page), [], `${where}: the check page has no axe violation`);
}

/** The case page's recorded data names the chosen values of each list by their labels. */
async function checkCaseData(
  t: Test, page: Page, base: string, caseId: string, def: WorkflowDefinition,
  lists: [string, JsonSchema][], data: Record<string, unknown>, where: string,
) {
  await page.goto(`${base}/cases/${caseId}`);
  const text = await page.locator('#data-title').locator('xpath=..').innerText();
  for (const [key, field] of lists) {
    const chosen = data[key] as unknown[];
    const labelled = chosen.every((v) => text.includes(choiceLabel(field, v, 'zh', def.materials)!));
    t.ok(labelled, `${where}: 「${field.title}」 in the case's data by its labels`);
    t.notOk(chosen.some((v) => new RegExp(`(^|[\\s、])${String(v)}([\\s、]|$)`).test(text)), `${where}: ${key} shows no code in the case's data`);
  }
}
