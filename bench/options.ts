import type { StepApi, StepKind } from './workload.ts';

export interface Options {
  quick: boolean;
  cases: number;
  /**
   * --sizes: the database grows through these sizes in one run (the last is `cases`); at each earlier
   * one the service and the baseline step @16 before more is seeded.
   */
  sizes: number[];
  connections: number[];
  pool: number;
  stepS: number;
  createS: number;
  warmupS: number;
  samples: number;
  noticeSamples: number;
  stepKind: StepKind;
  /** Which events route the step load posts to: v2 answers the compact StepAnswer, v1 the whole case view. */
  stepApi: StepApi;
  cpuProf: boolean;
  census: boolean;
  keep: boolean;
  write: boolean;
}

const USAGE = `usage: npm run bench -- [--quick] [--cases N | --million] [--connections 16,64] [--pool N]
       [--duration S] [--create-duration S] [--warmup S] [--samples N] [--step machine|comment]
       [--step-api v1|v2] [--sizes 10000,1000000]
       [--cpu-prof] [--census | --no-census] [--keep] [--no-write]
Real PostgreSQL when DATABASE_URL is set (a database whose name starts with "bench" is dropped and
recreated; any other must be empty), the embedded PGlite otherwise (a temporary data folder).`;

export function parseOptions(argv: string[]): Options {
  const quick = argv.includes('--quick');
  const o: Options = {
    quick, cases: quick ? 5_000 : 100_000, sizes: [], connections: [16, 64], pool: process.env.DATABASE_URL ? 8 : 1,
    stepS: quick ? 2 : 15, createS: quick ? 1.5 : 8, warmupS: quick ? 0.5 : 3,
    samples: quick ? 50 : 500, noticeSamples: quick ? 15 : 60, stepKind: 'machine', stepApi: 'v2', cpuProf: false, census: !quick, keep: false, write: true,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const next = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value\n${USAGE}`);
      return v;
    };
    const num = () => {
      const n = Number(next().replaceAll('_', '').replaceAll(',', ''));
      if (!Number.isFinite(n) || n <= 0) throw new Error(`${a} needs a positive number`);
      return n;
    };
    switch (a) {
      case '--quick': break;
      case '--million': o.cases = 1_000_000; break;
      case '--cases': o.cases = Math.floor(num()); break;
      case '--sizes': o.sizes = next().split(',').map((x) => Math.floor(Number(x.replaceAll('_', '')))); break;
      case '--connections': o.connections = next().split(',').map(Number).filter((n) => n > 0); break;
      case '--pool': o.pool = Math.floor(num()); break;
      case '--duration': o.stepS = num(); break;
      case '--create-duration': o.createS = num(); break;
      case '--warmup': o.warmupS = num(); break;
      case '--samples': o.samples = Math.floor(num()); break;
      case '--step': {
        const k = next();
        if (k !== 'machine' && k !== 'comment') throw new Error('--step is machine or comment');
        o.stepKind = k;
        break;
      }
      case '--step-api': {
        const v = next();
        if (v !== 'v1' && v !== 'v2') throw new Error('--step-api is v1 or v2');
        o.stepApi = v;
        break;
      }
      case '--cpu-prof': o.cpuProf = true; break;
      case '--census': o.census = true; break;
      case '--no-census': o.census = false; break;
      case '--keep': o.keep = true; break;
      case '--no-write': o.write = false; break;
      case '--help': case '-h': console.log(USAGE); process.exit(0); break;
      default: throw new Error(`unknown option ${a}\n${USAGE}`);
    }
  }
  if (o.connections.length === 0) throw new Error('--connections needs at least one number');
  if (o.sizes.length) {
    if (o.sizes.some((n, i) => !(n > 0) || (i > 0 && n <= o.sizes[i - 1]!))) throw new Error('--sizes needs increasing positive numbers, e.g. 10000,1000000');
    if (!process.env.DATABASE_URL) throw new Error('--sizes grows one PostgreSQL database: set DATABASE_URL');
    o.cases = o.sizes.at(-1)!;
  }
  return o;
}
