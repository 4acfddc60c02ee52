import fp from 'fastify-plugin';
import type { Clock } from './clock.ts';

declare module 'fastify' {
  interface FastifyInstance {
    clock: Clock;
  }
}

/** Makes the injected clock the one source of "now" for routes and services. */
export default fp<{ clock: Clock }>(async (app, opts) => {
  app.decorate('clock', opts.clock);
}, { name: 'clock' });
