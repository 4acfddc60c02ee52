import Type from 'typebox';
import { DateTime, Localized, Nullable } from '../http/response.schemas.ts';
import { itemFields } from '../definitions/workflow.schemas.ts';

/** Response schemas of the chain of items (src/chain/). */

export const Chain = Type.Object({ items: Type.Array(Type.Object({ workflowId: Type.String(), ...itemFields })) });

/** One object for the four statuses (fields of the others absent), so the serializer never picks a narrower branch. */
export const PersonChain = Type.Object({
  personId: Type.String(),
  items: Type.Array(Type.Object({
    workflowId: Type.String(), ...itemFields,
    status: Type.Union([Type.Literal('not-applicable'), Type.Literal('not-started'), Type.Literal('in-progress'), Type.Literal('done')]),
    reason: Type.Optional(Localized), caseId: Type.Optional(Type.String()), state: Type.Optional(Type.String()), step: Type.Optional(Localized),
    dueAt: Type.Optional(Nullable(DateTime())), outcome: Type.Optional(Nullable(Type.String())), closedAt: Type.Optional(Nullable(DateTime())),
  })),
});
