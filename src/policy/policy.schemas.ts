import Type from 'typebox';
import { DateTime, Day, Localized, Nullable, OpenObject } from '../http/response.schemas.ts';

/**
 * Response schemas of the policy staff's routes (src/policy/):
 * versions, lint, diff, impact, simulation, migration, standards.
 */

const PolicyDocument = Type.Object({ issuer: Type.String(), number: Type.String(), date: Day() });
const Finding = Type.Object({ path: Type.String({ description: 'JSON path into the definition, e.g. $.machine.states.review' }), message: Type.String() });
const FileFinding = Type.Object({ file: Type.String(), path: Type.String(), message: Type.String() });

const versionFields = {
  version: Type.Integer(), status: Type.Union([Type.Literal('draft'), Type.Literal('published'), Type.Literal('retired')]), note: Type.String(),
  author: Type.String(), authorName: Nullable(Type.String()), createdAt: DateTime(), publishedAt: Nullable(DateTime()),
  effectiveFrom: Nullable(DateTime()), retiredAt: Nullable(DateTime()), policyDocument: Nullable(PolicyDocument),
};

export const Versions = Type.Object({ workflowId: Type.String(), versions: Type.Array(Type.Object({ ...versionFields, findings: Type.Integer({ description: 'How many lint findings' }) })) });
export const Version = Type.Object({ ...versionFields, definition: OpenObject('The workflow definition (src/definitions/definition.schema.json)'), findings: Type.Array(FileFinding) });
export const Draft = Type.Object({ workflowId: Type.String(), version: Type.Integer(), status: Type.Literal('draft'), findings: Type.Array(FileFinding) });
export const Lint = Type.Object({ workflowId: Type.String(), findings: Type.Array(Finding) });

export const DefinitionFile = {
  description: 'The definition as a workflows/*.json file (an attachment)',
  content: { 'application/json': { schema: OpenObject('The workflow definition with its $schema') } },
};

export const Diff = Type.Object({
  from: Type.Integer(), to: Type.Integer(),
  changes: Type.Array(Type.Object({
    area: Type.String({ enum: ['item', 'step', 'deadline', 'field', 'material', 'notice', 'event', 'transition'] }),
    change: Type.String({ enum: ['added', 'removed', 'changed'] }), path: Type.String(), text: Localized,
    before: Type.Optional(Type.Unknown()), after: Type.Optional(Type.Unknown()),
  })),
});

const DataErrors = Type.Array(Type.Object({ form: Type.String(), errors: Type.Array(Finding) }));

export const Impact = Type.Object({
  cases: Type.Array(Type.Object({
    caseId: Type.String(), caseNo: Type.String(), fromVersion: Type.Integer(), state: Type.String(),
    stateExists: Type.Boolean(),
    dataErrors: DataErrors,
  })),
  summary: Type.Object({ open: Type.Integer(), stateMissing: Type.Integer(), dataInvalid: Type.Integer() }),
});

export const Paths = Type.Object({
  paths: Type.Array(Type.Object({
    final: Type.String(), outcome: Type.Optional(Type.String()),
    steps: Type.Array(Type.Object({ from: Type.String(), event: Type.String(), to: Type.String() })),
  })),
});

export const Simulation = Type.Object({
  steps: Type.Array(Type.Object({
    state: Type.String(), step: Localized, level: Nullable(Type.String()), form: Nullable(Type.Object({ id: Type.String(), schema: OpenObject('JSON Schema of the form') })),
    event: Nullable(Type.String()), dueAt: Nullable(DateTime()), timerAt: Nullable(DateTime()),
    notices: Type.Array(Type.Object({ key: Type.String(), title: Localized })), startsCases: Type.Array(Type.String()),
    rejected: Type.Optional(Type.Object({
      code: Type.String(), errors: Type.Optional(Type.Unknown()), detail: Type.Optional(Type.Unknown()),
    })),
  })),
});

export const Published = Type.Object({
  workflowId: Type.String(), version: Type.Integer(), status: Type.Literal('published'), effectiveFrom: DateTime(), impact: Impact,
});

export const MigrationPlan = Type.Object({
  dryRun: Type.Boolean(), blocked: Type.Integer(),
  fates: Type.Array(Type.Object({
    caseId: Type.String(), fromVersion: Type.Integer(), fromState: Type.String(), toState: Nullable(Type.String()),
    fate: Type.String({ enum: ['migrate', 'already', 'blocked'] }), reason: Type.Optional(Type.String()), dataErrors: DataErrors,
  })),
});
export const MigrationQueued = Type.Object({ jobId: Type.String(), statusUrl: Type.String() });

export const Standards = Type.Object({
  items: Type.Array(Type.Object({
    id: Type.String(), key: Type.String(), value: Type.Unknown({ description: 'A number or an object' }), unit: Type.String(), effectiveFrom: Day(),
    policyDocument: Type.Unknown({ description: 'issuer, number, date' }), note: Type.String(), author: Nullable(Type.String()), createdAt: DateTime(),
  })),
});
export const Created = Type.Object({ id: Type.String() });
