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

const requestFields = {
  workflowId: Type.String(), version: Type.Integer(),
  status: Type.String({ enum: ['pending', 'withdrawn', 'stale', 'approved'] }),
  draftSha256: Type.String({ description: 'sha256 of the draft as requested: the approver sends it back with POST …/publish' }),
  baseVersion: Nullable(Type.Integer({ description: 'The version in force when requested (the diff and impact were against it)' })),
  effectiveFrom: Nullable(DateTime()),
  requestedBy: Type.String(), requestedByName: Nullable(Type.String()), requestedAt: DateTime(),
  closedBy: Nullable(Type.String({ description: 'Who approved, withdrew or found it stale' })), closedByName: Nullable(Type.String()), closedAt: Nullable(DateTime()),
};
/** A request to publish a draft, waiting for a second policy user or ended (approved, withdrawn, stale). */
export const PublicationRequest = Type.Object(requestFields);

const versionFields = {
  version: Type.Integer(), status: Type.Union([Type.Literal('draft'), Type.Literal('published'), Type.Literal('retired'), Type.Literal('discarded')]), note: Type.String(),
  author: Type.String(), authorName: Nullable(Type.String()), createdAt: DateTime(), publishedAt: Nullable(DateTime()),
  effectiveFrom: Nullable(DateTime()), retiredAt: Nullable(DateTime()), policyDocument: Nullable(PolicyDocument),
  draftSha256: Type.String({ description: 'sha256 of the stored definition' }),
  /** The request waiting for approval, or the approved one (who asked, who approved, when). */
  publication: Nullable(PublicationRequest),
  history: Type.Array(Type.Object({
    act: Type.String({ enum: ['created', 'requested', 'withdrawn', 'stale', 'approved', 'discarded'] }),
    by: Nullable(Type.String()), byName: Nullable(Type.String()), at: DateTime(),
  })),
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
    step: Nullable(Localized),
    stateExists: Type.Boolean({ description: 'False: the step is gone; a migration needs a mapping for it' }),
    newRequired: Type.Array(Type.Object({ form: Type.String(), field: Type.String(), title: Localized }), { description: 'Fields the forms of the case\'s step now require, which they did not, and the case has not answered' }),
    newMaterials: Type.Array(Type.Object({ id: Type.String(), title: Localized }), { description: 'Materials its step now requires, which it did not' }),
    /** Answers the case gave that the forms of its step now refuse (and used to accept). */
    dataErrors: DataErrors,
    flagged: Type.Boolean({ description: 'Any of the problems above' }),
  })),
  summary: Type.Object({
    open: Type.Integer(), stateMissing: Type.Integer(), dataInvalid: Type.Integer(),
    newRequired: Type.Integer({ description: 'Cases with a new required field or material at their step' }), flagged: Type.Integer(),
  }),
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

export const Requested = Type.Object({ ...requestFields, impact: Impact });
export const Discarded = Type.Object({ workflowId: Type.String(), version: Type.Integer(), status: Type.Literal('discarded') });

export const Published = Type.Object({
  workflowId: Type.String(), version: Type.Integer(), status: Type.Literal('published'), effectiveFrom: DateTime(), impact: Impact,
});

export const MigrationPlan = Type.Object({
  dryRun: Type.Boolean(), blocked: Type.Integer(),
  fates: Type.Array(Type.Object({
    caseId: Type.String(), caseNo: Type.String(), fromVersion: Type.Integer(),
    fromState: Type.String(), toState: Nullable(Type.String()),
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
