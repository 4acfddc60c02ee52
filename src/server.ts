import { buildApp } from './app.ts';
import { ConfigError, loadConfig } from './config.ts';
import { DataDirLockedError } from './db/embedded.ts';
import { WorkflowLintError } from './definitions/workflow.loader.ts';
import { DataKeyError } from './crypto/data-key.ts';

/** Starts the service and drains it on SIGINT/SIGTERM: in-flight requests finish, the pool closes. */
async function main(): Promise<void> {
  const config = loadConfig();
  const app = await buildApp(config);
  await app.listen({ port: config.port, host: config.host });
  app.log.info({ database: app.databaseKind, demo: config.demo }, 'service ready');
  let closing = false;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      if (closing) return;
      closing = true;
      app.log.info({ signal }, 'shutting down');
      app.close().then(() => process.exit(0), (err) => {
        app.log.error({ err }, 'shutdown failed');
        process.exit(1);
      });
    });
  }
}

main().catch((err) => {
  const known = err instanceof ConfigError || err instanceof DataDirLockedError
    || err instanceof WorkflowLintError || err instanceof DataKeyError;
  console.error(known ? err.message : err);
  process.exit(1);
});
