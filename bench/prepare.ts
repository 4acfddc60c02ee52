import type pg from 'pg';
import { sqlProbes, type SqlProbeResult } from './reads.ts';
import { seed, type SeedOptions, type SeedResult } from './seed.ts';

export interface Prepared {
  seeded: SeedResult;
  databaseVersion: string;
  vacuumS: number;
  probes: SqlProbeResult;
}

/**
 * Seeds, runs VACUUM ANALYZE (as a running system's autovacuum would have), and times the overdue
 * query on the database.
 */
export async function seedAndProbe(pool: pg.Pool, opts: SeedOptions, samples: number): Promise<Prepared> {
  const seeded = await seed(pool, opts);
  opts.log(`  ${seeded.persons.toLocaleString('en')} persons, ${seeded.cases.toLocaleString('en')} cases (${seeded.openCases.toLocaleString('en')} open, ${seeded.overdueCases.toLocaleString('en')} overdue), ${seeded.events.toLocaleString('en')} history entries in ${(seeded.seedMs / 1000).toFixed(1)} s`);
  const t = performance.now();
  await pool.query('vacuum analyze');
  const vacuumS = (performance.now() - t) / 1000;
  opts.log(`  vacuum analyze ${vacuumS.toFixed(1)} s; timing the overdue query on the database, with and without its index`);
  const databaseVersion = String((await pool.query('select version() as v')).rows[0].v).split(' on ')[0]!.split(',')[0]!;
  const probes = await sqlProbes(pool, seeded.villages.map((v) => v.path), samples);
  return { seeded, databaseVersion, vacuumS, probes };
}
