import Type from 'typebox';
import { DateTime, MapOf, Nullable, OpenObject } from '../http/response.schemas.ts';

/** Response schemas of /rosters and /batch-actions (src/rosters/roster.service.ts, batch.service.ts). */

const RosterStatus = Type.Union([Type.Literal('preview'), Type.Literal('committed'), Type.Literal('discarded')]);
const RosterCounts = Type.Object({
  rows: Type.Integer(), valid: Type.Integer(), duplicate: Type.Integer(), error: Type.Integer(),
  created: Nullable(Type.Integer()),
});

export const RosterList = Type.Object({
  items: Type.Array(Type.Object({
    id: Type.String(), workflowId: Type.String(), period: Type.String(), fileName: Type.String(), status: RosterStatus,
    createdAt: DateTime(), counts: RosterCounts,
  })),
});

export const RosterFields = Type.Object({
  items: Type.Array(Type.Object({
    key: Type.String(), title: Type.String(), titleEn: Type.String(), form: Nullable(Type.String()),
    aliases: Type.Array(Type.String()),
  })),
});

const rosterFields = {
  id: Type.String(), workflowId: Type.String(), period: Type.String(), fileName: Type.String(),
  format: Type.Union([Type.Literal('csv'), Type.Literal('xlsx')]), status: RosterStatus,
  mapping: MapOf(Type.String(), 'Column header → field'), headers: Type.Array(Type.String()),
  defaults: OpenObject('Field → value for every row'), counts: RosterCounts, uploadedBy: Type.String(), createdAt: DateTime(), committedAt: Nullable(DateTime()),
  rows: Type.Array(Type.Object({
    row: Type.Integer(), status: Type.Union([Type.Literal('valid'), Type.Literal('duplicate'), Type.Literal('error'), Type.Literal('created')]),
    name: Type.String(), idMasked: Type.String({ description: 'The ID number, masked' }), station: Nullable(Type.String({ description: 'The station cell as written' })),
    errors: Type.Array(Type.Object({ field: Type.String(), message: Type.String() })),
    personId: Nullable(Type.String()), caseId: Nullable(Type.String()),
    caseNo: Nullable(Type.String({ description: 'The short number of the case the row created' })),
  })),
};

export const RosterView = Type.Object(rosterFields, { title: 'Roster' });
export const RosterUploaded = Type.Object({ ...rosterFields, unmappedColumns: Type.Array(Type.String()) });

export const RosterCommitted = Type.Object({
  rosterId: Type.String(), created: Type.Integer(), duplicates: Type.Integer(), errors: Type.Integer(),
  newPersons: Type.Integer(),
});
export const RosterQueued = Type.Object({ rosterId: Type.String(), jobId: Type.String(), status: Type.Literal('queued') });

export const BatchView = Type.Object({
  id: Type.String(), workflowId: Type.String(), state: Type.String(), type: Type.String(),
  rosterId: Nullable(Type.String()), status: Type.Union([Type.Literal('running'), Type.Literal('done')]),
  counts: Type.Object({ cases: Type.Integer(), succeeded: Type.Integer(), failed: Type.Integer() }),
  createdAt: DateTime(), finishedAt: Nullable(DateTime()),
  results: Type.Array(Type.Object({
    position: Type.Integer(), caseId: Type.String(), caseNo: Type.String({ description: 'The short case number (退报-2026-00123)' }),
    ok: Nullable(Type.Boolean({ description: 'null while the case waits its turn' })),
    version: Type.Optional(Nullable(Type.Integer())), code: Type.Optional(Nullable(Type.String())),
    message: Type.Optional(Nullable(Type.String())),
    errors: Type.Optional(Type.Unknown({ description: 'Field errors of a refused case' })),
  })),
}, { title: 'BatchAction' });

export const BatchQueued = Type.Object({ id: Type.String(), jobId: Type.String(), status: Type.Literal('running'), counts: Type.Object({ cases: Type.Integer() }) });
