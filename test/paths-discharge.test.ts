import t from 'tap';
import { build } from './helpers/build.ts';
import { exerciseWorkflow } from './helpers/paths.ts';

// Discharge stage, first half (reporting, file, card, placement), in catalogue order: every
// transition of each item through the real service.
const workflows = ['discharge-reporting', 'veteran-profile', 'preferential-card', 'self-employment-subsidy', 'job-placement'];

// Run directly with node, a file gets tap's 30 s default; give it the suite's per-file timeout (package.json).
if (!process.env.TAP_TIMEOUT) t.setTimeout(120_000);

// One service (and database) for the file: each path registers a person of its own.
const app = await build(t);
for (const id of workflows) t.test(id, (t) => exerciseWorkflow(t, app, id));
