import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { DATA_KEY, SECRET } from './build.ts';

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

/** Where a spawned service's notices point their QR codes (PUBLIC_BASE_URL, required with DATABASE_URL). */
const PUBLIC_BASE_URL = 'https://tysw.test.invalid';

/** The environment of a spawned service or tool: the parent's, without DATABASE_URL (or the owner's) unless given. */
function childEnv(env: Record<string, string | undefined>): NodeJS.ProcessEnv {
  const { DATABASE_URL: _, MIGRATION_DATABASE_URL: __, ...rest } = process.env;
  return { ...rest, SESSION_SECRET: SECRET, DATA_KEY, PUBLIC_BASE_URL, LOG_LEVEL: 'warn', ...env };
}

/** Runs a command-line tool (`src/cli/<name>.ts`) to its end. */
export async function runTool(
  name: string, env: Record<string, string | undefined>, args: string[] = [],
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', `src/cli/${name}.ts`, ...args], { cwd: repoRoot, env: childEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => { stdout += d; });
  child.stderr!.on('data', (d) => { stderr += d; });
  const [code] = await once(child, 'exit');
  return { code: code as number | null, stdout, stderr };
}

export interface Service {
  child: ChildProcess;
  base: string;
  output(): string;
  exited: Promise<number | null>;
}

/** Starts `src/server.ts` on a port; `ready()` waits until /ready answers 200. */
export function startService(
  port: number, env: Record<string, string | undefined>,
): Service & { ready(timeoutMs?: number): Promise<void> } {
  let out = '';
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    cwd: repoRoot, env: childEnv({ PORT: String(port), HOST: '127.0.0.1', ...env }), stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (d) => { out += d; });
  child.stderr!.on('data', (d) => { out += d; });
  const exited = once(child, 'exit').then(([code]) => code as number | null);
  const base = `http://127.0.0.1:${port}`;
  return {
    child, base, exited, output: () => out,
    async ready(timeoutMs = 90_000) {
      const until = Date.now() + timeoutMs;
      while (Date.now() < until) {
        if (child.exitCode !== null) throw new Error(`service exited ${child.exitCode}: ${out}`);
        try {
          if ((await fetch(`${base}/ready`)).status === 200) return;
        } catch { /* not listening yet */ }
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error(`service not ready: ${out}`);
    },
  };
}

/** A free-ish port for a spawned service, spread by process id so parallel test files do not collide. */
export function portFor(offset: number): number {
  return 21000 + ((process.pid * 7 + offset) % 20000);
}
