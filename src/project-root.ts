import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function folderWithPackageJson(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) throw new Error(`no package.json above ${from}`);
  }
}

/**
 * The project's folder. The service runs from its sources in tests and from their compiled copy
 * (dist/src/, `npm start`) in service; both read the same workflows, templates and public files.
 */
const projectRoot = folderWithPackageJson(dirname(fileURLToPath(import.meta.url)));

/** A path inside the project folder. */
export function inProject(...parts: string[]): string {
  return join(projectRoot, ...parts);
}
