import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { caseSummary } from '../cases/case-list.ts';
import { listPersonCases } from '../cases/case-list.service.ts';
import { firstHolder, openCase } from '../cases/case-open.service.ts';
import { personChain } from '../chain/chain.service.ts';
import { describeHolder, heldByUser, holderName } from '../cases/case-holder.ts';
import { ajv, fieldErrors } from '../definitions/ajv.ts';
import { withPlainText } from '../definitions/plain-text.ts';
import type { JsonSchema } from '../definitions/definition.types.ts';
import { AppError, errorText } from '../http/errors.ts';
import { authorize, can } from '../jurisdiction/authorize.ts';
import { message, type MessageKey } from '../messages/catalogue.ts';
import type { Lang } from '../messages/lang.ts';
import { maskIdNumber, maskPhone } from '../http/mask.ts';
import { parseIdNumber } from '../personal-numbers/id-number.ts';
import { ageOn } from '../time/shanghai.ts';
import { findStation, stationsWithin } from '../stations/station.service.ts';
import { correctPerson, listCorrections, type PersonChanges } from '../persons/person-correction.service.ts';
import { findOutgoingTransfer } from '../persons/person-transfer.service.ts';
import { correctionBody } from '../persons/person.routes.ts';
import {
  findPerson, findRelatives, listRelations, personNameSchema, recordPersonReveal, registerPerson, searchPersons,
  type Person,
} from '../persons/person.service.ts';
import type { User } from '../users/user.service.ts';
import { dueOf, noticesOf, outcomeText, stepTitle } from './case-model.ts';
import { errorList } from './form-errors.ts';
import { applyGroupAction, parseForm } from './form-parse.ts';
import { renderForm } from './form-render.ts';
import type { Errors } from './form-schema.ts';
import { attributeRows, label, RELATIONS, SEX, stationName } from './labels.ts';
import { loc } from './view.ts';
import { pageLang, posted, see, sendPage } from './web.ts';

/** The three stages of a veteran's file, in order, as the chain page groups its items. */
const STAGES: { id: string; title: MessageKey }[] = [
  { id: 'enlistment', title: 'PAGE_STAGE_ENLISTMENT' },
  { id: 'service', title: 'PAGE_STAGE_SERVICE' },
  { id: 'discharge', title: 'PAGE_STAGE_DISCHARGE' },
];
const ITEM_STATUS = {
  'not-applicable': 'PAGE_ITEM_NOT_APPLICABLE',
  'not-started': 'PAGE_ITEM_NOT_STARTED',
  'in-progress': 'PAGE_ITEM_IN_PROGRESS',
  done: 'PAGE_ITEM_DONE',
} as const satisfies Record<string, MessageKey>;

const RELATION_KINDS = ['spouse', 'parent', 'child', 'sibling', 'guardian'];

const ATTRIBUTES = ['category', 'hukouType', 'soldierType', 'enlistmentDate', 'dischargeDate', 'placementType', 'disabilityGrade', 'postedToTibetOrXinjiang', 'politicalStatus'] as const;

/** A relative picked from a search, as the row's choice names them: never by id alone. */
interface Picked { id: string; label: string }

/**
 * The registration form, drawn by the same renderer as the steps' forms. A family-member row names
 * the member by a person picked from the search (`personId`, offered only once someone is picked)
 * or by ID number.
 */
function personSchema(villages: { id: string; name: string }[], picked: Picked[] = []): JsonSchema {
  return {
    type: 'object', additionalProperties: false, required: ['name', 'idNumber', 'category', ...(villages.length > 1 ? ['stationId'] : [])],
    properties: {
      name: personNameSchema,
      idNumber: { type: 'string', title: '公民身份号码', 'x-title-en': 'Citizen ID number', format: 'cn-id-number' },
      phone: { type: 'string', title: '手机号码', 'x-title-en': 'Mobile', format: 'cn-mobile' },
      ...(villages.length > 1 ? {
        stationId: { type: 'string', title: '所属村（社区）服务站', 'x-title-en': 'Village station', enum: villages.map((v) => v.id), 'x-ui': { widget: 'select', labels: Object.fromEntries(villages.map((v) => [v.id, v.name])) } },
      } : {}),
      category: {
        type: 'string', title: '人员类别', 'x-title-en': 'Category', enum: ['veteran', 'serving', 'family', 'survivor'],
        'x-ui': { widget: 'radio', labels: { veteran: '退役军人', serving: '现役军人', family: '军属', survivor: '烈士、因公牺牲、病故军人遗属' } },
      },
      hukouType: { type: 'string', title: '户籍性质', 'x-title-en': 'Household registration', enum: ['rural', 'urban'], 'x-ui': { widget: 'radio', labels: { rural: '农村', urban: '城镇' } } },
      soldierType: { type: 'string', title: '士兵类别', 'x-title-en': 'Soldier type', enum: ['conscript', 'nco', 'officer'], 'x-ui': { widget: 'select', labels: { conscript: '义务兵', nco: '军士（士官）', officer: '军官' } } },
      enlistmentDate: { type: 'string', title: '入伍时间', 'x-title-en': 'Enlistment date', format: 'date' },
      dischargeDate: { type: 'string', title: '退役时间', 'x-title-en': 'Discharge date', format: 'date' },
      placementType: {
        type: 'string', title: '安置方式', 'x-title-en': 'Placement', enum: ['self-employment', 'assigned-job', 'monthly-pension', 'retirement', 'support'],
        'x-ui': { widget: 'select', labels: { 'self-employment': '自主就业', 'assigned-job': '安排工作', 'monthly-pension': '逐月领取退役金', retirement: '退休', support: '供养' } },
      },
      disabilityGrade: { type: 'integer', title: '残疾等级（一至十级，没有则不填）', 'x-title-en': 'Disability grade (1–10; leave empty if none)', minimum: 1, maximum: 10 },
      postedToTibetOrXinjiang: { type: 'boolean', title: '是否在西藏、新疆服役', 'x-title-en': 'Served in Tibet or Xinjiang' },
      politicalStatus: {
        type: 'string', title: '政治面貌', 'x-title-en': 'Political status', enum: ['party-member', 'league-member', 'masses', 'other'],
        'x-ui': { widget: 'select', labels: { 'party-member': '中共党员', 'league-member': '共青团员', masses: '群众', other: '其他' } },
      },
      relations: {
        type: 'array', title: '家庭成员（须已登记）', 'x-title-en': 'Family members (already registered)', maxItems: 20,
        items: {
          type: 'object', additionalProperties: false, required: ['relation'],
          properties: {
            ...(picked.length ? {
              personId: {
                type: 'string', title: '家庭成员', 'x-title-en': 'Family member', enum: picked.map((x) => x.id),
                'x-ui': { widget: 'select', labels: Object.fromEntries(picked.map((x) => [x.id, x.label])) },
              },
            } : {}),
            idNumber: { type: 'string', title: '成员公民身份号码', 'x-title-en': "Member's citizen ID number", format: 'cn-id-number' },
            relation: { type: 'string', title: '该成员是本人的', 'x-title-en': 'The member is this person’s', enum: RELATION_KINDS, 'x-ui': { widget: 'select', labels: Object.fromEntries(RELATION_KINDS.map((k) => [k, RELATIONS[k]!.zh])), labelsEn: Object.fromEntries(RELATION_KINDS.map((k) => [k, RELATIONS[k]!.en])) } },
          },
        },
      },
    },
  };
}

const validateCorrection = withPlainText(ajv.compile(correctionBody));
const validators = new Map<string, ReturnType<typeof ajv.compile>>();

/** One compiled validator per distinct form (the village list differs between users). */
function validatorOf(schema: JsonSchema) {
  const key = JSON.stringify(schema);
  let v = validators.get(key);
  if (!v) validators.set(key, (v = withPlainText(ajv.compile(schema))));
  return v;
}

async function villagesOf(app: FastifyInstance, user: User, lang: Lang) {
  return (await stationsWithin(app.db, user.stationPath)).filter((s) => s.level === 'village').map((s) => ({ id: s.id, name: stationName(s, lang) }));
}

export default async function personPages(app: FastifyInstance): Promise<void> {
  /** A person as the family search and the member rows show them: name, masked ID, birth year, station. */
  async function candidates(user: User, persons: Person[], lang: Lang) {
    const stations = new Map((await stationsWithin(app.db, user.stationPath)).map((s) => [s.id, stationName(s, lang)]));
    return persons.map((x) => {
      const parts = { name: x.name, idMasked: maskIdNumber(x.idNumber), year: x.birthDate.slice(0, 4), station: stations.get(x.stationId) ?? '' };
      return { id: x.id, ...parts, label: message(lang, 'FAMILY_CANDIDATE', parts) };
    });
  }

  /** The relatives the posted rows name by a picked person, looked up again inside the user's area. */
  async function pickedOf(user: User, get: (name: string) => string[], lang: Lang, extra?: string): Promise<Picked[]> {
    const count = Math.min(Number(get('_count.relations')[0]) || 0, 20);
    const ids = Array.from({ length: count }, (_, i) => get(`d.relations.${i}.personId`)[0]).filter((x): x is string => Boolean(x));
    const found = [];
    for (const id of new Set([...ids, ...(extra ? [extra] : [])])) {
      const person = await findPerson(app.db, id, user.stationPath);
      if (person) found.push(person);
    }
    return candidates(user, found, lang);
  }

  async function newPersonPage(
    req: FastifyRequest, reply: FastifyReply, data: Record<string, unknown>, errors: Errors,
    extra: Record<string, unknown> = {}, status = 200, picked: Picked[] = [],
  ) {
    const lang = pageLang(req);
    const villages = await villagesOf(app, req.user!, lang);
    const schema = personSchema(villages, picked);
    return sendPage(req, reply, 'person-new', message(lang, 'PAGE_PERSON_NEW_TITLE'), {
      fields: renderForm(schema, data, { lang, errors }), errorSummary: errorList(schema, errors, lang),
      onlyVillage: villages.length === 1 ? villages[0]!.name : null, ...extra,
    }, status);
  }

  /**
   * Family members are picked from the search (by name, within the area) or named by ID number, as
   * the clerk has it from the household register; each must already have a file here.
   */
  async function relatedPersons(
    user: User, ownIdNumber: string, rows: { personId?: string; idNumber?: string; relation: string }[], errors: Errors,
    lang: Lang,
  ) {
    const out: { personId: string; relation: string }[] = [];
    for (const [i, r] of rows.entries()) {
      const idNumber = r.idNumber?.toUpperCase();
      if (!r.personId && !idNumber) {
        errors.set(`/relations/${i}/idNumber`, [message(lang, 'FAMILY_ROW_NEEDS_MEMBER')]);
        continue;
      }
      const found = r.personId
        ? await findPerson(app.db, r.personId, user.stationPath)
        : (await searchPersons(app.db, { idNumber }, user.stationPath, 1))[0];
      const self = (r.personId ? found?.idNumber : idNumber) === ownIdNumber;
      if (found && !self) out.push({ personId: found.id, relation: r.relation });
      else {
        errors.set(`/relations/${i}/${r.personId ? 'personId' : 'idNumber'}`, [self
          ? message(lang, 'PAGE_PERSON_RELATION_SELF')
          : message(lang, 'PAGE_PERSON_RELATION_UNKNOWN')]);
      }
    }
    return out;
  }

  app.get<{ Querystring: { name?: string } }>('/persons/new', async (req, reply) => {
    authorize(req.user!, 'person.register');
    return newPersonPage(req, reply, { name: typeof req.query.name === 'string' ? req.query.name.slice(0, 50) : undefined }, new Map());
  });

  /**
   * Registration in two passes: the first checks the form and reads birth date and sex from the
   * ID number for the clerk to confirm against the card; the second registers.
   */
  app.post('/persons/new', async (req, reply) => {
    authorize(req.user!, 'person.register');
    const lang = pageLang(req);
    const form = posted(req);
    const villages = await villagesOf(app, req.user!, lang);
    const action = form.first('_action') ?? '';
    const relative = /^relative:(.+)$/.exec(action)?.[1];
    const picked = await pickedOf(req.user!, form.get, lang, relative);
    const schema = personSchema(villages, picked);
    const group = /^(add|remove):/.test(action) || action === 'find-relative' || relative !== undefined;
    const parsed = parseForm(schema, form.get, lang, { keepEmpty: group });
    const data = parsed.data;
    if (action === 'find-relative') {
      // A search for a family member by name or part of it, inside the clerk's area; the form stays as typed.
      const q = (form.first('_family_q') ?? '').trim().slice(0, 50);
      const found = q ? await findRelatives(app.db, req.user!, q, 20) : [];
      const family = {
        q: /^\d/.test(q) ? '' : q, searched: true, error: q ? undefined : message(lang, 'FAMILY_SEARCH_EMPTY'),
        results: await candidates(req.user!, found, lang),
      };
      return newPersonPage(req, reply, data, new Map(), { family }, q ? 200 : 422, picked);
    }
    if (relative !== undefined) {
      if (picked.some((x) => x.id === relative)) {
        const rows = (data.relations ?? []) as Record<string, unknown>[];
        data.relations = [...rows.filter((r) => r.personId || r.idNumber || r.relation), { personId: relative }];
      }
      return newPersonPage(req, reply, data, new Map(), {}, 200, picked);
    }
    if (group) {
      applyGroupAction(schema, data, action);
      return newPersonPage(req, reply, data, new Map(), {}, 200, picked);
    }
    const errors: Errors = new Map(parsed.errors);
    const validate = validatorOf(schema);
    if (!validate(data)) {
      for (const e of fieldErrors(validate.errors, lang)) {
        if (!errors.has(e.path)) errors.set(e.path, [...(errors.get(e.path) ?? []), e.message]);
      }
    }
    if (errors.size) return newPersonPage(req, reply, data, errors, {}, 422, picked);
    const idNumber = String(data.idNumber);
    const facts = parseIdNumber(idNumber)!;
    const existing = await searchPersons(app.db, { idNumber }, req.user!.stationPath, 1);
    if (existing[0]) {
      errors.set('/idNumber', [message(lang, 'PAGE_PERSON_ID_NUMBER_TAKEN')]);
      const known = { existing: { id: existing[0].id, name: existing[0].name } };
      return newPersonPage(req, reply, data, errors, known, 409, picked);
    }
    const related = (data.relations ?? []) as { personId?: string; idNumber?: string; relation: string }[];
    const relations = await relatedPersons(req.user!, idNumber, related, errors, lang);
    if (errors.size) return newPersonPage(req, reply, data, errors, {}, 422, picked);
    if (form.first('_confirmed') !== idNumber) {
      // Shown back for the clerk to compare with the card before anything is written.
      return newPersonPage(req, reply, data, errors, {
        confirm: {
          idNumber,
          birthDate: facts.birthDate,
          sex: label(SEX, facts.sex, lang),
          age: ageOn(facts.birthDate, app.clock.now()),
          region: facts.regionCode,
        },
      }, 200, picked);
    }
    const attributes = Object.fromEntries(ATTRIBUTES.filter((k) => data[k] !== undefined).map((k) => [k, data[k]]));
    try {
      const person = await registerPerson(app.db, req.user!, {
        name: String(data.name), idNumber, ...(data.phone ? { phone: String(data.phone) } : {}),
        ...(data.stationId ? { stationId: String(data.stationId) }
          : villages.length === 1 ? { stationId: villages[0]!.id } : {}),
        attributes, relations,
      }, app.clock.now(), lang);
      return see(reply, `/persons/${person.id}?registered=1`);
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      if (err.code === 'PERSON_EXISTS') errors.set('/idNumber', [errorText(lang, err)]);
      else if (err.extras.errors?.length) for (const e of err.extras.errors) errors.set(e.path, [e.message]);
      else errors.set('', [errorText(lang, err)]);
      return newPersonPage(req, reply, data, errors, {}, err.statusCode, picked);
    }
  });

  /** 一人一档: details, the 22-item chain with what can be started, every case and its notices. */
  app.get<{ Params: { id: string }; Querystring: { registered?: string; reveal?: string; corrected?: string } }>('/persons/:id', async (req, reply) => {
    const lang = pageLang(req);
    const user = req.user!;
    const person = await findPerson(app.db, req.params.id, user.stationPath);
    if (!person) {
      // A registration that became a transfer request lands here like any other (src/persons/person.service.ts).
      const asked = await findOutgoingTransfer(app.db, user, req.params.id);
      if (!asked) throw new AppError('NOT_FOUND');
      return sendPage(req, reply, 'person-pending', asked.name, { ...asked, pending: asked.status === 'pending', refused: asked.status === 'refused' });
    }
    const now = app.clock.now();
    const reveal = req.query.reveal === '1';
    if (reveal) {
      await recordPersonReveal(app.db, user.id, person.id, now);
      req.log.info({ userId: user.id, personId: person.id }, 'personal data revealed');
    }
    const chain = await personChain(app.db, app.registry, person, now);
    const rows = await listPersonCases(app.db, person.id);
    const cases = [];
    for (const c of rows.slice().reverse()) {
      const s = caseSummary(c, now);
      const wf = await app.registry.get(app.db, c.workflowId, c.workflowVersion);
      cases.push({
        ...s,
        title: loc(lang, wf?.definition.title),
        step: await stepTitle(app, c.workflowId, c.workflowVersion, c.state, lang),
        outcomeText: outcomeText(c.outcome, lang), due: dueOf(app, c, lang), notices: await noticesOf(app, c.id),
      });
    }
    const mayOpen = can(user, 'case.open');
    // Where a start goes when the starter does not hold its first step; each holder named once.
    const goesTo = new Map<string, string>();
    const named = new Map<string, string>();
    for (const i of chain) {
      if (!mayOpen || i.status === 'in-progress' || i.status === 'not-applicable') continue;
      const first = await firstHolder(app.caseDeps, i.workflowId, person.stationPath, now);
      if (!first || heldByUser(first, user)) continue;
      const key = JSON.stringify(first);
      if (!named.has(key)) named.set(key, holderName((await describeHolder(app.db, first))!, lang));
      goesTo.set(i.workflowId, message(lang, 'HOLD_WILL_GO_TO', { holder: named.get(key)! }));
    }
    const stages = STAGES.map((st) => ({
      id: st.id,
      title: message(lang, st.title),
      items: chain.filter((i) => i.stage === st.id).map((i) => ({
        workflowId: i.workflowId, order: i.order, title: loc(lang, i.title), status: i.status,
        statusText: message(lang, ITEM_STATUS[i.status]),
        reason: i.status === 'not-applicable' ? loc(lang, i.reason) : null,
        caseId: 'caseId' in i ? i.caseId : null, caseNo: 'caseNo' in i ? i.caseNo : null,
        step: i.status === 'in-progress' ? loc(lang, i.step) : null,
        outcome: i.status === 'done' ? outcomeText(i.outcome, lang) : null,
        canStart: mayOpen && i.status !== 'in-progress' && i.status !== 'not-applicable',
        goesTo: goesTo.get(i.workflowId) ?? null,
      })),
    }));
    const station = await findStation(app.db, person.stationId);
    const relations = await listRelations(app.db, person.id, user.stationPath);
    return sendPage(req, reply, 'person', person.name, {
      person: {
        id: person.id,
        name: person.name,
        idNumber: reveal ? person.idNumber : maskIdNumber(person.idNumber),
        revealed: reveal,
        phone: person.phone && (reveal ? person.phone : maskPhone(person.phone)),
        sex: label(SEX, person.sex, lang),
        birthDate: person.birthDate,
        age: ageOn(person.birthDate, now),
        station: station && stationName(station, lang),
        attributes: attributeRows(person.attributes, lang),
      },
      relations: relations.map((r) => ({ ...r, relationText: label(RELATIONS, r.relation, lang) })),
      stages, cases, registered: req.query.registered === '1', canCorrect: can(user, 'person.correct'),
      corrections: await listCorrections(app.db, person.id, reveal), corrected: req.query.corrected === '1', canCorrectIdNumber: can(user, 'person.correct-id-number'),
    });
  });

  /** Corrects the particulars through the API's own checks (the same body schema, the same messages). */
  app.post<{ Params: { id: string } }>('/persons/:id/corrections', async (req, reply) => {
    const lang = pageLang(req);
    const form = posted(req);
    const changes: PersonChanges = {};
    for (const k of ['name', 'phone', 'idNumber'] as const) {
      const v = form.first(k)?.trim();
      if (v) changes[k] = v;
    }
    const body = { changes, reason: form.first('reason') ?? '' };
    try {
      if (!validateCorrection(body)) throw new AppError('VALIDATION_FAILED', { errors: fieldErrors(validateCorrection.errors, lang) });
      await correctPerson(app.db, req.user!, req.params.id, body.changes, body.reason, app.clock.now());
      return see(reply, `/persons/${req.params.id}?corrected=1`);
    } catch (err) {
      if (!(err instanceof AppError) || err.code === 'NOT_FOUND') throw err;
      const detail = err.extras.errors?.map((e) => e.message).join('；');
      return sendPage(req, reply, 'error', message(lang, 'PAGE_PERSON_NOT_CORRECTED'), { status: err.statusCode, message: detail || errorText(lang, err), back: `/persons/${req.params.id}` }, err.statusCode);
    }
  });

  /** Starts an item for the person (only those they are eligible for are offered) and goes to its first step. */
  app.post<{ Params: { id: string } }>('/persons/:id/cases', async (req, reply) => {
    const lang = pageLang(req);
    const workflowId = posted(req).first('workflowId') ?? '';
    try {
      const view = await openCase(app.caseDeps, req.user!, { workflowId, personId: req.params.id }, lang);
      return see(reply, `/cases/${view.id}`);
    } catch (err) {
      if (!(err instanceof AppError) || err.code === 'NOT_FOUND') throw err;
      if (err.code === 'CASE_ALREADY_OPEN') {
        const open = (await listPersonCases(app.db, req.params.id)).find((c) => c.workflowId === workflowId && c.status === 'open');
        if (open) return see(reply, `/cases/${open.id}`);
      }
      const lc = await findPerson(app.db, req.params.id, req.user!.stationPath);
      if (!lc) throw new AppError('NOT_FOUND');
      return sendPage(req, reply, 'error', message(lang, 'PAGE_PERSON_CANNOT_START'), {
        status: err.statusCode, message: errorText(lang, err), back: `/persons/${req.params.id}`,
      }, err.statusCode);
    }
  });
}
