import Type from 'typebox';
import { DateTime, Day, Nullable, OpenObject } from '../http/response.schemas.ts';

export const personFields = {
  id: Type.String(), name: Type.String(), idNumber: Type.String({ description: 'Masked unless revealed' }), sex: Type.Union([Type.Literal('male'), Type.Literal('female')]),
  birthDate: Day(), phone: Nullable(Type.String({ description: 'Masked unless revealed' })), stationId: Type.String(), attributes: OpenObject('Category, hukou type and other attributes'),
};

export const PersonSummary = Type.Object(personFields, { title: 'PersonSummary' });
export const PersonList = Type.Object({ items: Type.Array(PersonSummary) });

export const Correction = Type.Object({
  field: Type.String(), oldValue: Nullable(Type.String()), newValue: Nullable(Type.String()), reason: Type.String(),
  correctedBy: Type.Object({ id: Type.String(), name: Type.String() }), correctedAt: DateTime(),
});

export const PersonCorrected = Type.Object({
  ...personFields, changed: Type.Array(Type.String()), corrections: Type.Array(Correction),
});

const transferFields = {
  id: Type.String(), status: Type.Union([Type.Literal('pending'), Type.Literal('accepted'), Type.Literal('refused')]),
  name: Type.String(), idNumber: Type.String(), toStationId: Type.String(), toStation: Type.String(),
  requestedBy: Type.String(), requestedAt: DateTime(), decidedAt: Nullable(DateTime()),
  decisionReason: Nullable(Type.String()),
};

export const Transfers = Type.Object({
  incoming: Type.Array(Type.Object({ ...transferFields, personId: Type.String(), personName: Type.String() })),
  outgoing: Type.Array(Type.Object({ ...transferFields, personId: Nullable(Type.String()) })),
});
export const TransferAccepted = Type.Object({ id: Type.String(), status: Type.Literal('accepted'), personId: Type.String() });
export const TransferRefused = Type.Object({ id: Type.String(), status: Type.Literal('refused') });
