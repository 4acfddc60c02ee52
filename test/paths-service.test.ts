import t from 'tap';
import { build } from './helpers/build.ts';
import { exerciseWorkflow } from './helpers/paths.ts';

// Service stage, in catalogue order: every transition of each item through the real service.
const workflows = [
  'merit-award-notice',
  'festival-visit',
  'military-family-hardship-aid',
  'military-children-education',
  'rights-petition-legal-aid',
  'death-pension-survivors',
];

// Run directly with node, a file gets tap's 30 s default; give it the suite's per-file timeout (package.json).
if (!process.env.TAP_TIMEOUT) t.setTimeout(120_000);

// One service (and database) for the file: each path registers a person of its own.
const app = await build(t);
for (const id of workflows) t.test(id, (t) => exerciseWorkflow(t, app, id));
