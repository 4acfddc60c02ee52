import Type from 'typebox';
import { Localized, OpenObject } from '../http/response.schemas.ts';

/** Response schemas of the items in force (workflow.routes.ts); src/chain/ lists the same items per person. */

/** The fields of one item of the chain (chain-items.ts). */
export const itemFields = {
  version: Type.Integer(),
  stage: Type.Union([Type.Literal('enlistment'), Type.Literal('service'), Type.Literal('discharge')]),
  order: Type.Integer(),
  title: Localized,
  initiation: Type.String({ description: 'application, ex-officio, roster or child' }),
};

export const Workflows = Type.Array(Type.Object({ id: Type.String(), ...itemFields }));

export const Definition = OpenObject('The workflow definition in force: forms, materials, legal basis, machine (src/definitions/definition.schema.json)');
