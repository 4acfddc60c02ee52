import net from 'node:net';

/** What a counting proxy has seen pass since it started (or since the caller last cleared `texts`). */
export interface Counters { statements: number; bytesOut: number; bytesIn: number; texts: Map<string, number> }

export function newCounters(): Counters {
  return { statements: 0, bytesOut: 0, bytesIn: 0, texts: new Map() };
}

/**
 * A TCP proxy in front of a PostgreSQL server (or the embedded database's socket) that counts
 * the bytes each way and the statements run (Bind or simple Query messages, by their text: a named
 * statement is parsed once per connection, then only bound):
 * what a request costs the database, without touching the service's code.
 */
export function countingProxy(target: { host: string; port: number }, c: Counters): Promise<net.Server> {
  const server = net.createServer((client) => {
    const upstream = net.connect(target);
    let buf = Buffer.alloc(0);
    let started = false;
    // Statement texts by name ('' is the unnamed one), as this connection prepared them.
    const parsed = new Map<string, string>();
    client.on('data', (d) => {
      c.bytesOut += d.length;
      upstream.write(d);
      buf = Buffer.concat([buf, d]);
      for (;;) {
        if (!started) {
          if (buf.length < 4 || buf.length < buf.readInt32BE(0)) break;
          buf = buf.subarray(buf.readInt32BE(0));
          started = true;
          continue;
        }
        if (buf.length < 5) break;
        const type = String.fromCharCode(buf[0]!);
        const len = buf.readInt32BE(1);
        if (buf.length < 1 + len) break;
        let text: string | undefined;
        const body = buf.subarray(5, 1 + len);
        if (type === 'P') {
          const nameEnd = body.indexOf(0);
          parsed.set(body.subarray(0, nameEnd).toString('utf8'), body.subarray(nameEnd + 1, body.indexOf(0, nameEnd + 1)).toString('utf8'));
        } else if (type === 'B') {
          const portalEnd = body.indexOf(0);
          text = parsed.get(body.subarray(portalEnd + 1, body.indexOf(0, portalEnd + 1)).toString('utf8')) ?? '?';
        } else if (type === 'Q') {
          text = buf.subarray(5, len).toString('utf8');
        }
        if (text !== undefined) {
          c.statements++;
          const key = text.replace(/\s+/g, ' ').trim().slice(0, 400);
          c.texts.set(key, (c.texts.get(key) ?? 0) + 1);
        }
        buf = buf.subarray(1 + len);
      }
    });
    upstream.on('data', (d) => {
      c.bytesIn += d.length;
      client.write(d);
    });
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
    client.on('error', () => {});
    upstream.on('error', () => {});
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

/** `url` with its host and port replaced by the proxy's. */
export function throughProxy(url: string, proxy: net.Server): string {
  const proxied = new URL(url);
  proxied.hostname = '127.0.0.1';
  proxied.port = String((proxy.address() as net.AddressInfo).port);
  return proxied.toString();
}
