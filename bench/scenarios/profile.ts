import { readdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { log, outDir, repoRoot } from '../paths.ts';
import { hotSpots, type ProfileSummary } from '../profile.ts';
import type { Bench } from '../setup.ts';

export interface Profile { startup: ProfileSummary; load: ProfileSummary }

/** The CPU profile of the service (--cpu-prof), cut into start-up and load. */
export function summarizeProfile(b: Bench, startupMs: number, loadFromMs: number): Profile | null {
  if (!b.o.cpuProf) return null;
  const files = readdirSync(b.profDir).filter((f) => f.endsWith('.cpuprofile')).map((f) => path.join(b.profDir, f)).sort((a, c) => statSync(c).size - statSync(a).size);
  if (!files[0]) return null;
  // The profile starts with the process: start-up until /ready, then the load after the warm-up.
  const profile = {
    startup: hotSpots(files[0], repoRoot, { toMs: startupMs }),
    load: hotSpots(files[0], repoRoot, { fromMs: loadFromMs }),
  };
  writeFileSync(path.join(outDir, 'profile-summary.json'), `${JSON.stringify(profile, null, 2)}\n`);
  log(`CPU profile: ${path.relative(repoRoot, files[0])}; summary in bench/out/profile-summary.json`);
  return profile;
}
