import Type from 'typebox';
import { DateTime, Localized, Nullable } from '../http/response.schemas.ts';

/** Response schemas of the reports, supervision acts and audit trails (src/supervision/). */

const counts = {
  open: Type.Integer(), overdue: Type.Integer(), dueSoon: Type.Integer(),
  idle: Type.Integer(), escalated: Type.Integer(),
};

export const StationReport = Type.Object({
  generatedAt: DateTime(), soonDays: Type.Integer(), idleDays: Type.Integer(),
  byStation: Type.Array(Type.Object({
    ...counts, stationId: Type.String(), name: Localized, level: Type.Union([Type.Literal('village'), Type.Literal('town'), Type.Literal('district')]), parentId: Nullable(Type.String()),
  })),
  byItem: Type.Array(Type.Object({ ...counts, workflowId: Type.String() })),
});

const BottleneckReport = Type.Object({
  from: DateTime(), to: DateTime(),
  rows: Type.Array(Type.Object({
    workflowId: Type.String(), state: Type.String(), item: Localized, step: Localized,
    entries: Type.Integer({ description: 'Entries into the step in the period' }),
    medianHours: Nullable(Type.Number({ description: 'Finished steps entered in the period' })), p90Hours: Nullable(Type.Number()),
    returned: Type.Integer(), refused: Type.Integer(), returnedShare: Type.Number(), refusedShare: Type.Number(),
    open: Type.Integer({ description: 'Cases at this step now' }),
    openMedianHours: Nullable(Type.Number({ description: 'How long the open cases have sat in the step so far' })), openP90Hours: Nullable(Type.Number()),
  })),
});

/** One 200 in three formats (`format`): JSON, or a CSV or SVG file. */
export const Bottlenecks = {
  description: 'The report as JSON, CSV or SVG',
  content: {
    'application/json': { schema: BottleneckReport },
    'text/csv': { schema: Type.String() },
    'image/svg+xml': { schema: Type.String() },
  },
};

/** The case list as a file: XLSX (the default) or CSV (UTF-8 with BOM). */
export const CaseExportFile = {
  description: 'The filtered case list as a spreadsheet',
  content: {
    'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': { schema: Type.String({ format: 'binary' }) },
    'text/csv': { schema: Type.String() },
  },
};

/** The result per case of a supervision act: the new version, or why it was refused. */
export const ActResults = Type.Object({
  results: Type.Array(Type.Object({
    caseId: Type.String(), ok: Type.Boolean(), version: Type.Optional(Type.Integer()),
    caseNo: Nullable(Type.String({ description: 'The short case number; null when no such case is in your area' })),
    code: Type.Optional(Type.String()), message: Type.Optional(Type.String()),
  })),
});

export const Urges = Type.Object({
  items: Type.Array(Type.Object({
    caseId: Type.String(), caseNo: Type.String(), workflowId: Type.String(), state: Type.String(), text: Type.String(),
    at: DateTime(), by: Nullable(Type.String()),
  })),
});

const eventFields = {
  caseId: Type.String(), caseNo: Type.String(), workflowId: Type.String(), seq: Type.Integer(), kind: Type.String(), type: Type.String(), actor: Nullable(Type.String({ description: 'Display name' })),
  from: Nullable(Type.String()), to: Nullable(Type.String()), at: DateTime(),
};

export const AuditEvents = {
  description: 'History entries as JSON or a CSV file',
  content: {
    'application/json': { schema: Type.Object({ items: Type.Array(Type.Object({ ...eventFields, actorId: Nullable(Type.String()) })) }) },
    'text/csv': { schema: Type.String() },
  },
};

export const PersonHistory = Type.Object({ personId: Type.String(), items: Type.Array(Type.Object(eventFields)) });

const Level = Type.Union([Type.Literal('village'), Type.Literal('town'), Type.Literal('district')]);

/** Who holds open cases in the supervisor's area, and whether anyone active reads each queue (ADR 0026). */
export const Queues = Type.Object({
  items: Type.Array(Type.Object({
    holder: Type.Union([
      Type.Object({ kind: Type.Literal('queue'), stationId: Type.String(), stationName: Localized, level: Level, supervisors: Type.Boolean({ description: 'Escalated past the top: the station\'s supervisors hold it' }) }),
      Type.Object({ kind: Type.Literal('person'), userId: Type.String(), name: Type.String() }),
    ]),
    open: Type.Integer(), overdue: Type.Integer(),
    active: Type.Boolean({ description: 'An enabled user of the station in the role the queue waits for, or the person not disabled' }),
    caseIds: Type.Array(Type.String(), { description: 'Its cases (at most 500): pass them to POST /supervision/reassign' }),
  })),
});
