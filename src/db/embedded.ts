import { mkdirSync, openSync, closeSync, writeSync, readFileSync, rmSync, existsSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

export interface EmbeddedDatabase {
  /** A postgres:// URL on loopback, so the same pg Pool code serves both databases. */
  connectionString: string;
  close(): Promise<void>;
}

export class DataDirLockedError extends Error {}

const MEMORY = 'memory://';

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** PGlite takes no lock of its own and two processes on one folder corrupt it, so we take one. */
function lockDataDir(dir: string): () => void {
  const lockPath = join(dir, 'service.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(lockPath, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return () => rmSync(lockPath, { force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const holder = Number(readFileSync(lockPath, 'utf8').trim());
      if (Number.isInteger(holder) && holder > 0 && holder !== process.pid && isAlive(holder)) {
        throw new DataDirLockedError(
          `数据目录 ${dir} 正被进程 ${holder} 使用，同一时间只能有一个服务打开它。 / `
          + `The data folder ${dir} is in use by process ${holder}; only one service may open it at a time.`,
        );
      }
      rmSync(lockPath, { force: true }); // left behind by a process that died
    }
  }
  throw new DataDirLockedError(`could not lock ${dir}`);
}

/** Returns the secret kept beside the embedded database, creating it on first start. */
export function embeddedSessionSecret(dataDir: string): string {
  if (dataDir === MEMORY) return randomBytes(32).toString('hex');
  const file = join(resolve(dataDir), 'session-secret');
  if (!existsSync(file)) {
    mkdirSync(resolve(dataDir), { recursive: true });
    writeFileSync(file, randomBytes(32).toString('hex'), { mode: 0o600 });
  }
  return readFileSync(file, 'utf8').trim();
}

/** Starts PGlite (in DATA_DIR, or in memory) behind a loopback PostgreSQL socket. */
export async function startEmbeddedDatabase(dataDir: string, maxConnections: number): Promise<EmbeddedDatabase> {
  let unlock = () => {};
  let pgliteDir: string | undefined;
  if (dataDir !== MEMORY) {
    const dir = resolve(dataDir);
    mkdirSync(dir, { recursive: true });
    unlock = lockDataDir(dir);
    pgliteDir = join(dir, 'pgdata');
  }
  try {
    const db = await PGlite.create(pgliteDir ? { dataDir: pgliteDir } : {});
    const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections });
    await server.start();
    const address = server.getServerConn();
    const port = Number(address.split(':').pop());
    return {
      connectionString: `postgres://postgres@127.0.0.1:${port}/postgres`,
      async close() {
        await server.stop();
        await db.close();
        unlock();
      },
    };
  } catch (err) {
    unlock();
    throw err;
  }
}
