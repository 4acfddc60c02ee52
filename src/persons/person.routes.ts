import type { FastifyInstance } from 'fastify';
import { authorize } from '../jurisdiction/authorize.ts';
import { languageOf } from '../messages/lang.ts';
import { correctPerson, listCorrections, type PersonChanges } from './person-correction.service.ts';
import { findPerson, personNameSchema, registerPerson, searchPersons, type NewPerson } from './person.service.ts';
import { PersonCorrected, PersonList, PersonSummary } from './person.schemas.ts';
import { personSummary } from './person-summary.ts';

const attributes = {
  type: 'object', additionalProperties: false,
  properties: {
    category: { enum: ['veteran', 'serving', 'family', 'survivor'], title: '人员类别', 'x-title-en': 'Category' },
    hukouType: { enum: ['rural', 'urban'], title: '户籍性质', 'x-title-en': 'Household registration type' },
    soldierType: { enum: ['conscript', 'nco', 'officer'], title: '士兵类别', 'x-title-en': 'Soldier type' },
    enlistmentDate: { type: 'string', format: 'date', title: '入伍时间', 'x-title-en': 'Enlistment date' },
    dischargeDate: { type: 'string', format: 'date', title: '退役时间', 'x-title-en': 'Discharge date' },
    placementType: { enum: ['self-employment', 'assigned-job', 'monthly-pension', 'retirement', 'support', 'demobilization'], title: '安置方式', 'x-title-en': 'Placement' },
    disabilityGrade: { type: 'integer', minimum: 1, maximum: 10, title: '残疾等级', 'x-title-en': 'Disability grade' },
    postedToTibetOrXinjiang: { type: 'boolean', title: '是否在西藏、新疆服役', 'x-title-en': 'Served in Tibet or Xinjiang' },
    politicalStatus: { enum: ['party-member', 'league-member', 'masses', 'other'], title: '政治面貌', 'x-title-en': 'Political status' },
  },
} as const;

const personBody = {
  type: 'object', additionalProperties: false, required: ['name', 'idNumber'],
  properties: {
    name: personNameSchema,
    idNumber: { type: 'string', title: '公民身份号码', 'x-title-en': 'Citizen ID number', format: 'cn-id-number' },
    phone: { type: 'string', title: '手机号码', 'x-title-en': 'Mobile', format: 'cn-mobile' },
    stationId: { type: 'string', title: '所属村（社区）服务站', 'x-title-en': 'Village station', maxLength: 64 },
    attributes,
    relations: {
      type: 'array', maxItems: 20,
      items: { type: 'object', additionalProperties: false, required: ['personId', 'relation'], properties: { personId: { type: 'string', maxLength: 64 }, relation: { enum: ['spouse', 'parent', 'child', 'sibling', 'guardian'] } } },
    },
  },
} as const;

/** The attributes as corrections give them: each may also be null (removed). */
const nullableAttributes = {
  ...attributes,
  properties: Object.fromEntries(Object.entries(attributes.properties).map(([k, v]) => [k, 'enum' in v ? { ...v, enum: [...v.enum, null] } : { ...v, type: [v.type, 'null'] }])),
};

export const correctionBody = {
  type: 'object', additionalProperties: false, required: ['changes', 'reason'],
  properties: {
    changes: {
      type: 'object', additionalProperties: false, minProperties: 1,
      properties: {
        name: personBody.properties.name,
        phone: { type: ['string', 'null'], title: '手机号码', 'x-title-en': 'Mobile', format: 'cn-mobile' },
        idNumber: personBody.properties.idNumber,
        attributes: nullableAttributes,
      },
    },
    reason: { type: 'string', title: '更正原因', 'x-title-en': 'Reason', minLength: 1, maxLength: 500, pattern: '\\S' },
  },
} as const;

const searchBody = {
  type: 'object', additionalProperties: false, minProperties: 1, maxProperties: 1,
  properties: {
    idNumber: { type: 'string', title: '公民身份号码', 'x-title-en': 'Citizen ID number', minLength: 18, maxLength: 18 },
    name: { type: 'string', title: '姓名', 'x-title-en': 'Name', minLength: 1, maxLength: 50 },
  },
} as const;

export default async function personRoutes(app: FastifyInstance): Promise<void> {
  app.post<{ Body: NewPerson }>('/persons', { schema: { tags: ['persons'], response: { 201: PersonSummary }, summary: 'Register a person (一人一档)', body: personBody } }, async (req, reply) => {
    authorize(req.user!, 'person.register');
    const p = await registerPerson(app.db, req.user!, req.body, app.clock.now(), languageOf(req.headers['accept-language']));
    return reply.status(201).send(personSummary(p));
  });

  app.post<{ Body: { idNumber?: string; name?: string } }>('/persons/search', {
    schema: { tags: ['persons'], response: { 200: PersonList }, summary: 'Find persons by ID number or name (never an ID number in a URL)', body: searchBody },
  }, async (req) => {
    const found = await searchPersons(
      app.db, { idNumber: req.body.idNumber?.toUpperCase(), name: req.body.name }, req.user!.stationPath, 50,
    );
    return { items: found.map((p) => personSummary(p)) };
  });

  app.patch<{ Params: { id: string }; Body: { changes: PersonChanges; reason: string } }>('/persons/:id', {
    schema: {
      tags: ['persons'], response: { 200: PersonCorrected }, summary: "Correct a person's particulars (recorded with the reason; the ID number by district staff only)",
      params: { type: 'object', required: ['id'], properties: { id: { type: 'string', maxLength: 64 } } }, body: correctionBody,
    },
  }, async (req) => {
    const changed = await correctPerson(
      app.db, req.user!, req.params.id, req.body.changes, req.body.reason, app.clock.now(),
    );
    const person = (await findPerson(app.db, req.params.id, req.user!.stationPath))!;
    return {
      ...personSummary(person), changed: changed.map((c) => c.field),
      corrections: await listCorrections(app.db, person.id, false),
    };
  });
}
