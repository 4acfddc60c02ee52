import type { FastifyServerOptions } from 'fastify';
import { maskText } from './mask.ts';

/**
 * pino options: secrets are removed, and ID numbers, phones and bank accounts are masked in URLs
 * and in anything else that is logged.
 */
export function loggerOptions(level: string): FastifyServerOptions['logger'] {
  return {
    level,
    redact: {
      paths: ['req.headers.authorization', 'req.headers.cookie', 'res.headers["set-cookie"]', '*.password', 'password', 'body.password'],
      censor: '[redacted]',
    },
    serializers: {
      req: (req: { method: string; url: string; id: string; ip?: string }) => ({ id: req.id, method: req.method, url: maskText(req.url), ip: req.ip }),
      res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
    },
    hooks: {
      // The last line of defence: whatever a module logs, personal numbers leave masked.
      logMethod(args, method) {
        const masked = args.map((a) => (typeof a === 'string' ? maskText(a) : a && typeof a === 'object' ? JSON.parse(maskText(JSON.stringify(a, errorReplacer))) : a));
        return method.apply(this, masked as Parameters<typeof method>);
      },
    },
  };
}

function errorReplacer(_key: string, value: unknown): unknown {
  if (value instanceof Error) return { type: value.name, message: value.message, stack: value.stack };
  return value;
}
