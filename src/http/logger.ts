import type { FastifyServerOptions } from 'fastify';
import { maskData, maskText } from './mask.ts';

/**
 * Masks one finished log line. pino writes a JSON object per line: its string values are masked
 * (digits inside numbers, such as a response time, are left alone), so the line stays JSON.
 */
function maskLogLine(line: string): string {
  let entry: unknown;
  try {
    entry = JSON.parse(line);
  } catch {
    return maskText(line);
  }
  return `${JSON.stringify(maskData(entry))}\n`;
}

/** Every finished log line passes here, so no module can leak a full ID number, phone or card. */
const maskingStdout = { write: (line: string) => process.stdout.write(maskLogLine(line)) };

/** pino options: secrets removed; ID numbers, phones and bank accounts masked in URLs, bodies and messages. */
export function loggerOptions(level: string): FastifyServerOptions['logger'] {
  return {
    level,
    stream: maskingStdout,
    redact: {
      paths: ['req.headers.authorization', 'req.headers.cookie', 'res.headers["set-cookie"]', '*.password', 'password', 'body.password'],
      censor: '[redacted]',
    },
    serializers: {
      req: (req: { method: string; url: string; id: string; ip?: string }) =>
        ({ id: req.id, method: req.method, url: req.url, ip: req.ip }),
      res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
    },
  };
}
