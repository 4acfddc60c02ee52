import t, { type Test } from 'tap';
import { readdirSync } from 'node:fs';
import type { BrowserContext, Page } from 'playwright-core';
import { choiceLabel, choiceValues } from '../src/definitions/choice-labels.ts';
import type { FormSection, JsonSchema, WorkflowDefinition } from '../src/definitions/definition.types.ts';
import { sectionsOf } from '../src/definitions/form-sections.ts';
import { isSystemEvent } from '../src/definitions/transitions.ts';
import { saveDraft } from '../src/drafts/draft.service.ts';
import { axeViolations, chromiumMissing, launch, listen, logIn } from './helpers/browser.ts';
import { build } from './helpers/build.ts';
import { cachedPaths, PathRunner, type Step } from './helpers/paths.ts';

/**
 * Every step form of the 22 items, opened in Chromium by the user who acts on it at a case walked
 * there through the API: each choice field shows the Chinese label of every value, never its code,
 * and the page has no axe violation. A long form (x-ui.sections) shows a task list instead: each of its
 * section pages is opened, and together they offer every choice field of the form. Lists of choices
 * (困难类型 …) are also read back, by label, on the check-your-answers page and in the case's recorded data.
 */

// The walk opens 409 forms and their section pages: minutes, not the suite's default five.
t.setTimeout(3_600_000);

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
          const where = `${id} ${e.from}.${e.event}`;
          const res = await page.goto(`${base}/cases/${view.id}/act/${e.event}`);
          t.equal(res?.status(), 200, `${where}: the form opens for ${user}`);
          const axeAt = async (what: string) => {
            for (const f of await axeViolations(page)) axeProblems.push(`${where}${what}: ${f.id} ${f.nodes.join(', ')}`);
          };
          await axeAt('');
          const form = def.forms[formId]!;
          const sections = sectionsOf(form);
          const shown = sections
            ? await sectionChoices(t, page, `${base}/cases/${view.id}/act/${e.event}`, form, sections, where, axeAt)
            : await shownChoices(page);
          checkForm(t, shown, def, formId, where);
          const lists = listFields(form);
          if (lists.length) {
            if (sections) {
              // The check page of a long form opens once every section is done: the step's own answers
              // are the draft the lists are ticked into (on the section page that asks them), with every
              // material received, as a list's every value may call for its own (医疗 → 医疗费用票据).
              const { id: userId } = await app.db.selectFrom('users').select('id').where('username', '=', user).executeTakeFirstOrThrow();
              const all = form.properties?.materials && choiceValues(form.properties.materials);
              const materials = all ? { materials: all } : {};
              const seeded = await saveDraft(app.db, {
                caseId: view.id, userId, eventType: e.event, data: { ...e.data, ...materials },
                caseVersion: view.version, now: app.clock.now(),
              });
              t.ok(seeded.ok, `${where}: the step's answers kept as the draft`);
            }
            await checkAnswersPage(t, page, base, view.id, e.event, def, lists, sections, where);
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

/**
 * A long form's choices: its step page is a task list of the sections, not the form; each section's
 * page offers its own fields' choices (and has no axe violation); all of them together are the form's.
 */
async function sectionChoices(
  t: Test, page: Page, stepUrl: string, form: JsonSchema, sections: FormSection[], where: string,
  axeAt: (what: string) => Promise<void>,
): Promise<ShownChoice[]> {
  const links = await page.locator('.task-list-link').count();
  t.equal(links, sections.length, `${where}: a task list of its ${sections.length} sections`);
  t.equal(await page.locator('[data-step-form]').count(), 0, `${where}: no field of the form on the task list`);
  const shown: ShownChoice[] = [];
  for (const [i, section] of sections.entries()) {
    const res = await page.goto(`${stepUrl}/section/${i + 1}`);
    t.equal(res?.status(), 200, `${where}: section ${i + 1} opens`);
    const here = await shownChoices(page);
    const stray = here.filter((c) => c.field.startsWith('d.') && !section.fields.includes(c.field.split('.')[1]!));
    t.same([...new Set(stray.map((c) => c.field))], [], `${where}: section ${i + 1} offers the choices of its own fields only`);
    shown.push(...here);
    await axeAt(` section ${i + 1}`);
  }
  const asked = new Set(sections.flatMap((s) => s.fields));
  const unasked = [...new Set(choiceFields(form).map(([name]) => name.split('.')[1]!))].filter((k) => !asked.has(k));
  t.same(unasked, [], `${where}: the sections together ask every choice field of the form`);
  return shown;
}

function checkForm(t: Test, shown: ShownChoice[], def: WorkflowDefinition, formId: string, where: string) {
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

/**
 * Ticks every value of the form's lists and saves the draft (a long form: on the section page that
 * asks each list, saved back to the task list), then reads the check page back.
 */
async function checkAnswersPage(
  t: Test, page: Page, base: string, caseId: string, event: string, def: WorkflowDefinition,
  lists: [string, JsonSchema][], sections: FormSection[] | undefined, where: string,
) {
  const stepUrl = `${base}/cases/${caseId}/act/${event}`;
  const tick = async (keys: string[]) => {
    for (const key of keys) {
      const boxes = await page.locator(`input[type=checkbox][name="d.${key}"]`).all();
      t.ok(boxes.length > 0, `${where}: ${key} offered to tick`);
      for (const box of boxes) await box.check();
    }
  };
  if (!sections) {
    await tick(lists.map(([k]) => k));
    await page.getByRole('button', { name: '保存草稿' }).click();
    await page.waitForURL(/\?saved=1/);
  } else {
    for (const [i, section] of sections.entries()) {
      const keys = lists.map(([k]) => k).filter((k) => section.fields.includes(k));
      if (!keys.length) continue;
      await page.goto(`${stepUrl}/section/${i + 1}`);
      await tick(keys);
      await page.getByRole('button', { name: '保存并返回任务列表' }).click();
      await page.waitForURL(new RegExp(`/act/${event}$`));
    }
  }
  await page.goto(`${stepUrl}/check`);
  const opened = /\/check$/.test(page.url());
  const why = opened ? '' : await page.locator('.error-summary').innerText().catch(() => '');
  t.ok(opened, `${where}: the check page opens${why ? ` (${why.replace(/\s+/g, ' ')})` : ''}`);
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
