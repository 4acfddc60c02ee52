import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/**
 * A CommonJS package loaded when first asked for, not when the service starts: pdfkit, fontkit and
 * exceljs cost ~0.4 s and ~60 MB at start-up, and most processes never print a notice or read a
 * workbook (issue #20). Later calls get the module Node already holds.
 */
export function onFirstUse<T>(pkg: string): () => T {
  let loaded: T | undefined;
  return () => (loaded ??= require(pkg) as T);
}

type Checker = ((...args: never[]) => unknown) & { errors?: unknown };

/**
 * A validator (ajv's shape: a function with `errors` after each call, which Fastify reads) built
 * at its first call. The service has ~150 route schemas, and compiling them all before it may
 * answer took most of its start-up; a route nobody calls is never compiled.
 */
export function checkerOnFirstCall<V extends Checker>(build: () => V): V {
  let built: V | undefined;
  const check = ((...args: Parameters<V>) => {
    built ??= build();
    const result = built(...args);
    check.errors = built.errors;
    return result;
  }) as V;
  return check;
}

/** A response serializer built at its first call, for the same reason. */
export function serializerOnFirstCall(build: () => (data: unknown) => string): (data: unknown) => string {
  let built: ((data: unknown) => string) | undefined;
  return (data) => (built ??= build())(data);
}
