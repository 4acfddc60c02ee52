import Type from 'typebox';
import { DateTime, Localized, Nullable, OpenObject } from '../http/response.schemas.ts';

/** Response schemas of the chain of items (chain.routes.ts) and the items in force (workflow.routes.ts). */

const itemFields = {
  version: Type.Integer(),
  stage: Type.Union([Type.Literal('enlistment'), Type.Literal('service'), Type.Literal('discharge')]),
  order: Type.Integer(),
  title: Localized,
  initiation: Type.String({ description: 'application, ex-officio, roster or child' }),
};

export const Workflows = Type.Array(Type.Object({ id: Type.String(), ...itemFields }));
export const Definition = OpenObject('The workflow definition in force: forms, materials, legal basis, machine (src/definitions/definition.schema.json)');

export const Chain = Type.Object({ items: Type.Array(Type.Object({ workflowId: Type.String(), ...itemFields })) });

/** One object for the four statuses (fields of the others absent), so the serializer never picks a narrower branch. */
export const PersonChain = Type.Object({
  personId: Type.String(),
  items: Type.Array(Type.Object({
    workflowId: Type.String(), ...itemFields,
    status: Type.Union([Type.Literal('not-applicable'), Type.Literal('not-started'), Type.Literal('in-progress'), Type.Literal('done')]),
    reason: Type.Optional(Localized), caseId: Type.Optional(Type.String()), caseNo: Type.Optional(Type.String()),
    state: Type.Optional(Type.String()), step: Type.Optional(Localized),
    dueAt: Type.Optional(Nullable(DateTime())), outcome: Type.Optional(Nullable(Type.String())),
    closedAt: Type.Optional(Nullable(DateTime())),
  })),
});
