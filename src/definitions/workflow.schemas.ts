import { OpenObject } from '../http/response.schemas.ts';

export const Definition = OpenObject('The workflow definition in force: forms, materials, legal basis, machine (src/definitions/definition.schema.json)');
