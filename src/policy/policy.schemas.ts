import Type from 'typebox';
import { DateTime, Day, Localized, Nullable, OpenObject } from '../http/response.schemas.ts';

/**
 * Response schemas of the policy staff's routes (src/policy/):
 * versions, lint, diff, impact, simulation, migration, standards.
 */

const PolicyDocument = Type.Object({ issuer: Type.String(), number: Type.String(), date: Day() });
const Place = Type.Object({
  pointer: Type.String({ description: 'JSON Pointer of the value, e.g. /machine/states/review/on/RETURN' }),
  kind: Type.String({ enum: ['item', 'step', 'move', 'event', 'form', 'field', 'notice', 'material', 'legalBasis', 'json'] }),
  step: Type.Optional(Type.String()), event: Type.Optional(Type.String()),
  form: Type.Optional(Type.String()), field: Type.Optional(Type.String()),
  notice: Type.Optional(Type.String()), material: Type.Optional(Type.String()),
  label: Type.String({ description: 'The part in words, e.g. 「受理」环节的「退回」操作 (Accept-Language)' }),
  line: Type.Optional(Type.Integer({ description: 'Line in the definition\'s text, when a text was sent' })), column: Type.Optional(Type.Integer()),
}, { description: 'Where the finding is: the step, move (event), form field, notice or material it names' });
const findingFields = {
  path: Type.String({ description: 'JSON path into the definition, e.g. $.machine.states.review' }),
  code: Type.Optional(Type.String({ description: 'The message key, e.g. LINT_STATE_UNKNOWN' })),
  message: Type.String({ description: 'In Chinese, or English with Accept-Language: en' }),
  at: Type.Optional(Place),
};
const Finding = Type.Object(findingFields);
const FileFinding = Type.Object({ file: Type.String(), ...findingFields });

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
