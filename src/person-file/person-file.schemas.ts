import Type from 'typebox';
import { CaseSummary } from '../cases/case.schemas.ts';
import { Correction, personFields } from '../persons/person.schemas.ts';

export const PersonFile = Type.Object({
  ...personFields,
  relations: Type.Array(Type.Object({ personId: Type.String(), name: Type.String(), relation: Type.String() })),
  cases: Type.Array(CaseSummary),
  corrections: Type.Array(Correction),
}, { title: 'Person' });
