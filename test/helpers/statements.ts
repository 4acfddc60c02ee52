import pg from 'pg';

/** One statement as the service sent it: its text and the bytes of its parameters and of the rows it got back. */
export interface SentStatement {
  text: string;
  bytesOut: number;
  bytesIn: number;
}

type Query = (this: pg.Client, ...args: unknown[]) => unknown;

/**
 * Every statement the process sends while `run` runs (both databases go through pg's Client, the
 * embedded one over its loopback socket), whether named or not: a round trip is a round trip.
 * Bytes are those of the parameters and rows as JSON, a measure to compare, not the wire's count.
 */
export async function statementsOf<T>(run: () => Promise<T>): Promise<{ result: T; statements: SentStatement[] }> {
  const statements: SentStatement[] = [];
  const proto = pg.Client.prototype as unknown as { query: Query };
  const original = proto.query;
  proto.query = function counted(this: pg.Client, ...args: unknown[]) {
    const [first, second] = args;
    const config = typeof first === 'string' ? { text: first, values: second } : first as { text: string; values?: unknown };
    const s: SentStatement = { text: config.text.replace(/\s+/g, ' ').trim(), bytesOut: config.text.length + JSON.stringify(config.values ?? []).length, bytesIn: 0 };
    statements.push(s);
    const answer = original.apply(this, args);
    if (answer instanceof Promise) {
      void answer.then((r: { rows?: unknown[] }) => { s.bytesIn = JSON.stringify(r?.rows ?? []).length; }, () => {});
    }
    return answer;
  };
  try {
    return { result: await run(), statements };
  } finally {
    proto.query = original;
  }
}
