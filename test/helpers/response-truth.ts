import { isDeepStrictEqual } from 'node:util';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { FastifyInstance, FastifyRequest } from 'fastify';

/*
 * Whether the OpenAPI document tells the truth, checked on real answers: a response schema is
 * also the serializer, which drops properties it does not list and coerces values of another type
 * (null to ""), so a JSON answer must come out of it as the handler made it, and match the schema.
 */

export interface Untruth {
  route: string;
  statusCode: number;
  problem: string;
}

const ajv = new Ajv({ strict: false, allErrors: true });
(addFormatsModule as unknown as (a: Ajv) => void)(ajv);

function declaredSchema(req: FastifyRequest, statusCode: number): object | undefined {
  const responses = (req.routeOptions.schema?.response ?? {}) as
    Record<string, { content?: Record<string, { schema: object }> } & object>;
  const declared = responses[statusCode] ?? responses[`${String(statusCode)[0]}xx`];
  return declared?.content ? declared.content['application/json']?.schema : declared;
}

/**
 * Adds hooks (before `ready`) that report every JSON answer the serializer changed or its schema
 * refuses; returns how many were checked.
 */
export function watchResponses(app: FastifyInstance, report: (u: Untruth) => void): () => number {
  const made = new WeakMap<FastifyRequest, unknown>();
  let checked = 0;
  app.addHook('preSerialization', async (req, _reply, payload) => {
    made.set(req, JSON.parse(JSON.stringify(payload)));
    return payload;
  });
  app.addHook('onSend', async (req, reply, payload) => {
    const hidden = (req.routeOptions.schema as { hide?: boolean } | undefined)?.hide
      && !req.routeOptions.schema?.response;
    if (!made.has(req) || typeof payload !== 'string' || hidden || !req.routeOptions.url) return payload;
    checked += 1;
    const route = `${req.method} ${req.routeOptions.url}`;
    const sent = JSON.parse(payload);
    if (!isDeepStrictEqual(sent, made.get(req))) report({ route, statusCode: reply.statusCode, problem: `serializer changed the answer: made ${JSON.stringify(made.get(req)).slice(0, 600)} sent ${payload.slice(0, 600)}` });
    const schema = declaredSchema(req, reply.statusCode);
    if (!schema) report({ route, statusCode: reply.statusCode, problem: 'no response schema' });
    else {
      const validate = ajv.compile(schema);
      if (!validate(sent)) report({ route, statusCode: reply.statusCode, problem: ajv.errorsText(validate.errors) });
    }
    return payload;
  });
  return () => checked;
}
