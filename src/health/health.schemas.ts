import Type from 'typebox';

export const Health = Type.Object({ status: Type.Literal('ok') });
export const Readiness = Type.Object({
  status: Type.String({ description: 'ready, migrating or database unavailable' }), database: Type.Union([Type.Literal('postgresql'), Type.Literal('embedded')]),
});
