import { createHash, randomUUID } from 'node:crypto';
import { sendEvent, type CaseDeps } from '../cases/case.service.ts';
import { openPayload } from '../crypto/sealed-payload.ts';
import { findCase, openSnapshot } from '../cases/case.repository.ts';
import { EVERYWHERE } from '../jurisdiction/within-area.ts';
import { dataKeys, decryptField, encryptField } from '../crypto/data-key.ts';
import type { Executor } from '../db/database.ts';
import { isoDay } from '../db/dates.ts';
import { newId } from '../db/ids.ts';
import { RECALL } from '../definitions/definition.types.ts';
import { formErrors, type CompiledWorkflow } from '../engine/compile.ts';
import { AppError, errorText } from '../http/errors.ts';
import { authorize } from '../jurisdiction/authorize.ts';
import { message } from '../messages/catalogue.ts';
import type { Lang } from '../messages/lang.ts';
import { maskBankAccount } from '../http/mask.ts';
import { shanghaiParts } from '../time/shanghai.ts';
import { toCsv } from '../supervision/csv.ts';
import { findUserById, type User } from '../users/user.repository.ts';
import { isFenStandard, yuan } from './amount.ts';
import { findPaymentRecord, lockPeriod, RECORD_PAYMENT } from './payment-record.repository.ts';
import {
  approveDraft, batchLines, cancelUnrecorded, casesUnpaidFor, claimForRecording, countBatchesOf, entryPayload,
  findBatchInArea, insertBatch, listBatchesInArea, markExported, markLineFailed, markLinePaid, pauseEntries,
  releaseClaim, renewClaim, standardsBefore, type BatchLine, type PaymentBatchRow,
} from './payment.repository.ts';
import { lineOf, PAYMENT_RULES, stopsOf, type Line, type PaymentRule, type PauseStep } from './payment.rules.ts';
import { recordReveal } from '../auth/reveal-log.repository.ts';

/** Batches with more lines than this are recorded by a background job. */
export const SYNC_RECORD_LINES = 100;

const PAYABLE_STATES = ['paying', 'suspended'];

export function ruleFor(workflowId: string): PaymentRule {
  const rule = PAYMENT_RULES.get(workflowId);
  if (!rule) {
    throw new AppError('VALIDATION_FAILED', { errors: [{ path: '/workflowId', message: `该事项尚无发放规则（已支持：${[...PAYMENT_RULES.keys()].join('、')}）/ no payment rule for this item` }] });
  }
  return rule;
}

function periodRange(period: string): { from: string; to: string } {
  const y = Number(period);
  return { from: `${y}-01-01`, to: `${y + 1}-01-01` };
}

interface Standard { key: string; value: unknown; effectiveFrom: string; policyDocument: unknown }

/**
 * The values of local standards in force at some time in a period, by key and oldest first: the one
 * in force on its first day (the latest effective_from on or before it) and those taking effect later in it.
 */
async function standardsDuring(
  db: Executor, keys: string[], range: { from: string; to: string },
): Promise<Standard[]> {
  const rows = await standardsBefore(db, keys, range.to);
  const out: Standard[] = [];
  for (const r of rows) {
    const s = {
      key: r.key, value: r.value, effectiveFrom: isoDay(r.effective_from), policyDocument: r.policy_document,
    };
    if (out.at(-1)?.key === s.key && s.effectiveFrom <= range.from) out.pop();
    out.push(s);
  }
  return out;
}

/** The value of `key` in force on `day` among standards sorted oldest first. */
function valueOn(standards: readonly Standard[], key: string, day: string): unknown {
  let value: unknown;
  for (const s of standards) if (s.key === key && s.effectiveFrom <= day) value = s.value;
  return value;
}

interface Skipped { caseId: string; caseNo: string; reason: string }

/**
 * Why a case cannot take RECORD_PAYMENT with `data` under the definition version it is on (a case
 * opened before the item was changed stays on its version), or null when it can: a paid line it
 * could not record would stay failed.
 */
function notRecordable(
  wf: CompiledWorkflow | undefined, version: number, state: string, data: Record<string, unknown>, now: Date,
): string | null {
  const migrate = '，请先将案件迁移到现行版本（POST /api/v1/workflows/:id/migrations）再发放';
  const st = wf?.definition.machine.states[state];
  if (!wf || !st) return `案件所在的事项第${version}版定义缺失或没有“${state}”状态${migrate}`;
  if (!st.on?.RECORD_PAYMENT) return `案件所在的事项第${version}版在“${st.meta.step.zh}”环节不能登记发放（RECORD_PAYMENT）${migrate}`;
  const formId = st.meta.events?.RECORD_PAYMENT?.form;
  const errors = formId && wf.forms.has(formId) ? formErrors(wf, formId, data, now, 'zh') : [];
  if (formId && (!wf.forms.has(formId) || errors.length > 0)) {
    const why = errors.map((e) => `${e.path || '/'} ${e.message}`).join('；');
    return `案件所在的事项第${version}版的发放登记表单不接受本批次的数据（${why || formId}）${migrate}`;
  }
  if (!formId && Object.keys(data).length > 0) return `案件所在的事项第${version}版的发放登记不填写表单${migrate}`;
  return null;
}

/**
 * Builds a payment batch of an item for a year: every case being paid (or stopped during the year) that has no payment
 * for the year yet (neither on a line nor recorded outside a batch), each month at the standards in force then and the
 * months of its resumed stops left out. The lines reserve (case, period): a second batch for the year leaves them out.
 */
export async function buildBatch(deps: CaseDeps, user: User, input: { workflowId: string; period: string }) {
  authorize(user, 'payment.batch');
  const rule = ruleFor(input.workflowId);
  const range = periodRange(input.period);
  const now = deps.clock.now();
  const keys = dataKeys();
  return deps.db.transaction().execute(async (trx) => {
    await lockPeriod(trx, input.workflowId, input.period);
    const standards = await standardsDuring(trx, [rule.standard.key, ...(rule.optionalStandards ?? [])], range);
    if (!isFenStandard(valueOn(standards, rule.standard.key, range.from))) {
      throw new AppError('VALIDATION_FAILED', { errors: [{ path: '/period', message: `${input.period}年1月1日没有生效的“${rule.standard.key}”标准（${rule.standard.unit}），请政策岗先录入 / no standard in force` }] });
    }
    const mistyped = standards.find((s) => s.key === rule.standard.key && !isFenStandard(s.value));
    if (mistyped) {
      throw new AppError('VALIDATION_FAILED', { errors: [{ path: '/period', message: `${mistyped.effectiveFrom}起执行的“${rule.standard.key}”标准不是整数分（${rule.standard.unit}），请政策岗更正 / a standard taking effect during the year is not in integer fen` }] });
    }
    const cases = await casesUnpaidFor(trx, {
      workflowId: input.workflowId, period: input.period, states: PAYABLE_STATES, stationPath: user.stationPath,
    });
    const pauses = await pauseSteps(trx, cases.map((c) => c.id));
    const seq = await countBatchesOf(trx, input.workflowId, input.period) + 1;
    const number = `${rule.prefix}-${input.period}-${String(seq).padStart(3, '0')}`;
    const p = shanghaiParts(now);
    const today = `${p.y}-${String(p.m).padStart(2, '0')}-${String(p.d).padStart(2, '0')}`;
    const versions = new Map<number, CompiledWorkflow | undefined>();
    const lines: (Line & { caseId: string })[] = [];
    const skipped: Skipped[] = [];
    for (const c of cases) {
      const data = openSnapshot(c.id, c.snapshot).context.data;
      const stops = stopsOf(rule, pauses.get(c.id) ?? []);
      // A suspended case whose stop names no day is paid nothing rather than too much.
      const stoppedOn = c.state === 'suspended' ? stops.stoppedOn ?? range.from : null;
      const line = lineOf(
        rule, data, (key, day) => valueOn(standards, key, day), { year: input.period, ...range }, stoppedOn, stops.gaps,
      );
      if ('skip' in line) {
        skipped.push({ caseId: c.id, caseNo: c.case_no, reason: line.skip });
        continue;
      }
      // The RECORD_PAYMENT that recordBatch will send (its day and bank reference are not known yet).
      if (!versions.has(c.workflow_version)) {
        versions.set(c.workflow_version, await deps.registry.get(trx, input.workflowId, c.workflow_version));
      }
      const eventData = rule.eventData({
        period: input.period, months: line.months, amountFen: line.amountFen,
        start: rule.window(data, null)?.start ?? null, periodFrom: range.from,
      }, { number, paidOn: today });
      const why = notRecordable(versions.get(c.workflow_version), c.workflow_version, c.state, eventData, now);
      if (why) skipped.push({ caseId: c.id, caseNo: c.case_no, reason: why });
      else lines.push({ caseId: c.id, ...line });
    }
    const id = newId(now.getTime());
    const total = lines.reduce((s, l) => s + l.amountFen, 0);
    const batch = {
      id, number, workflow_id: input.workflowId, period: input.period, status: 'draft' as const,
      line_count: lines.length, total_fen: total, standards: JSON.stringify(standards), station_path: user.stationPath,
      created_by: user.id, created_at: now, approved_by: null, approved_at: null, exported_at: null,
      export_sha256: null, recorded_by: null, recorded_at: null, paid_on: null, cancelled_at: null,
    };
    await insertBatch(trx, batch, lines.map((l, i) => {
      const pid = newId(now.getTime());
      return {
        id: pid, batch_id: id, line_no: i + 1, case_id: l.caseId, period: input.period, months: l.months,
        multiplier_percent: l.multiplierPercent, annual_fen: l.annualFen, amount_fen: l.amountFen,
        payee_name: l.payee.name, bank_name: l.payee.bankName,
        bank_account_enc: encryptField(keys, l.payee.bankAccount, `payments.bank_account:${pid}`),
        status: 'pending' as const, event_seq: null, error: null,
      };
    }));
    return { id, skipped };
  });
}

/** The STOP and RESUME steps of cases still in effect (a RECALL names the step it took back), oldest first. */
async function pauseSteps(db: Executor, caseIds: string[]): Promise<Map<string, PauseStep[]>> {
  const out = new Map<string, PauseStep[]>();
  const rows = await pauseEntries(db, caseIds);
  const recalled = new Set(rows.filter((r) => r.type === RECALL).map((r) => `${r.case_id}:${(r.payload as { recalledSeq?: unknown }).recalledSeq}`));
  for (const r of rows) {
    if (r.type === RECALL || recalled.has(`${r.case_id}:${r.seq}`)) continue;
    const data = (openPayload(r.case_id, r.seq, r.payload) as { data?: Record<string, unknown> }).data ?? {};
    const steps = out.get(r.case_id) ?? [];
    steps.push({ type: r.type as PauseStep['type'], data });
    out.set(r.case_id, steps);
  }
  return out;
}

export async function findBatch(db: Executor, user: User, id: string) {
  return findBatchInArea(db, id, user.stationPath);
}

export async function batchView(db: Executor, user: User, id: string) {
  const b = await findBatch(db, user, id);
  if (!b) return undefined;
  const keys = dataKeys();
  const lines = await batchLines(db, id);
  return {
    id: b.id, number: b.number, workflowId: b.workflow_id, period: b.period, status: b.status, lineCount: b.line_count,
    totalFen: Number(b.total_fen), totalYuan: yuan(Number(b.total_fen)), standards: b.standards,
    createdBy: b.created_by, createdAt: b.created_at.toISOString(), approvedBy: b.approved_by,
    approvedAt: b.approved_at?.toISOString() ?? null, exportedAt: b.exported_at?.toISOString() ?? null,
    exportSha256: b.export_sha256, recordedAt: b.recorded_at?.toISOString() ?? null,
    paidOn: b.paid_on ? isoDay(b.paid_on) : null,
    lines: lines.map((l) => ({
      line: l.line_no, caseId: l.case_id, caseNo: l.case_no, personName: l.person_name, months: l.months,
      multiplierPercent: l.multiplier_percent, annualFen: Number(l.annual_fen), amountFen: Number(l.amount_fen),
      payeeName: l.payee_name, bankName: l.bank_name,
      bankAccount: maskBankAccount(decryptField(keys, l.bank_account_enc, `payments.bank_account:${l.id}`)),
      status: l.status, ...(l.event_seq ? { eventSeq: l.event_seq } : {}), ...(l.error ? { error: l.error } : {}),
    })),
  };
}

/** A second person approves the batch before its bank file exists. */
export async function approveBatch(deps: CaseDeps, user: User, id: string): Promise<void> {
  authorize(user, 'payment.batch');
  const b = await findBatch(deps.db, user, id);
  if (!b) throw new AppError('NOT_FOUND');
  if (b.created_by === user.id) throw new AppError('FOUR_EYES');
  if (!await approveDraft(deps.db, id, user.id, deps.clock.now())) throw new AppError('EVENT_NOT_ALLOWED', { detail: { zh: '只有草稿状态的发放批次可以审批', en: 'Only a draft batch can be approved' } });
}

/** Cancels a batch that was not recorded; its lines are removed, so its cases can go into another batch. */
export async function cancelBatch(deps: CaseDeps, user: User, id: string): Promise<void> {
  authorize(user, 'payment.batch');
  const b = await findBatch(deps.db, user, id);
  if (!b) throw new AppError('NOT_FOUND');
  await deps.db.transaction().execute(async (trx) => {
    if (!await cancelUnrecorded(trx, id, deps.clock.now())) throw new AppError('EVENT_NOT_ALLOWED', { detail: { zh: '已登记发放的批次不能作废', en: 'A recorded batch cannot be cancelled' } });
  });
}

/** Bank file layout v1 (README): one row per line, amounts in yuan with two decimals and in fen. */
const BANK_FILE_HEADER = ['序号', '收款人户名', '收款账号', '开户银行', '金额（元）', '金额（分）', '摘要', '批次号', '业务编号'];

/**
 * The bank file of an approved batch: CSV, UTF-8 with BOM, cells a spreadsheet would run as
 * formulas escaped. The first export moves the batch to "exported" and keeps the file's hash.
 */
export async function bankFile(deps: CaseDeps, user: User, id: string): Promise<{ csv: string; number: string }> {
  authorize(user, 'payment.batch');
  const b = await findBatch(deps.db, user, id);
  if (!b) throw new AppError('NOT_FOUND');
  if (!['approved', 'exported', 'recording', 'recorded'].includes(b.status)) {
    throw new AppError('EVENT_NOT_ALLOWED', { detail: { zh: '发放批次须经另一人审批后才能导出银行文件', en: 'The batch must be approved by a second person before the bank file' } });
  }
  const keys = dataKeys();
  const rule = ruleFor(b.workflow_id);
  const lines = await batchLines(deps.db, id);
  const summary = `${rule.summary}${b.period}`;
  const csv = toCsv(BANK_FILE_HEADER, lines.map((l) => [
    l.line_no, l.payee_name, decryptField(keys, l.bank_account_enc, `payments.bank_account:${l.id}`), l.bank_name,
    yuan(Number(l.amount_fen)), Number(l.amount_fen), summary, b.number, l.case_no,
  ]));
  const now = deps.clock.now();
  await deps.db.transaction().execute(async (trx) => {
    // Every payee's full account number leaves the service: recorded like a reveal, or not handed out.
    await recordReveal(trx, { userId: user.id, subject: `payment-batch:${id}`, fields: ['bankAccount'], at: now });
    if (b.status === 'approved') await markExported(trx, id, now, createHash('sha256').update(csv).digest('hex'));
  });
  return { csv, number: b.number };
}

/** A claim this long without a sign of life was left by a request that died: another may take the batch over. */
const CLAIM_LEASE_MS = 5 * 60_000;
/** A line whose case moved under it (someone commented meanwhile) is tried this many times. */
const LINE_ATTEMPTS = 3;

export interface RecordTerms { paidOn: string; bankReference?: string }

const NOT_EXPORTED = { zh: '须先导出银行文件并由银行发放后才能登记', en: 'Export the bank file (and have the bank pay) before recording' };

/**
 * Claims a batch for recording with one conditional UPDATE (exported → recording, or recorded →
 * recording to finish lines that failed): exactly one request records at a time, the others are
 * answered BATCH_RECORDING. The day paid and the bank reference are fixed by the first claim; a
 * retry, by anyone, must give the same. Returns the claim's token.
 */
export async function claimBatch(deps: CaseDeps, user: User, id: string, terms: RecordTerms): Promise<string> {
  authorize(user, 'payment.batch');
  const now = deps.clock.now();
  const claim = randomUUID();
  const reference = terms.bankReference ?? null;
  const claimed = await claimForRecording(deps.db, {
    id, stationPath: user.stationPath, claim, at: now, staleBefore: new Date(now.getTime() - CLAIM_LEASE_MS),
    paidOn: terms.paidOn, bankReference: reference,
  });
  if (claimed) return claim;
  const b = await findBatch(deps.db, user, id);
  if (!b) throw new AppError('NOT_FOUND');
  if (!['exported', 'recording', 'recorded'].includes(b.status)) throw new AppError('EVENT_NOT_ALLOWED', { detail: NOT_EXPORTED });
  if (b.paid_on && isoDay(b.paid_on) !== terms.paidOn) {
    throw new AppError('VALIDATION_FAILED', { errors: [{ path: '/paidOn', message: `本批次已登记发放日期${isoDay(b.paid_on)}，不能更改 / the batch was paid on ${isoDay(b.paid_on)}` }] });
  }
  if (b.paid_on && b.bank_reference !== reference) {
    throw new AppError('VALIDATION_FAILED', { errors: [{ path: '/bankReference', message: `本批次已登记银行流水号“${b.bank_reference ?? ''}”，不能更改 / the batch's bank reference is fixed` }] });
  }
  throw new AppError('BATCH_RECORDING');
}

/**
 * Records the payment in each unpaid line's case (RECORD_PAYMENT, the case service's own step, one
 * transaction per case, the line marked paid in it) under a claim from claimBatch; a case that
 * cannot take it is reported on its line. Safe to run again, by anyone: a period already recorded
 * by this batch marks its line paid with that entry, and the database takes no second payment.
 */
export async function recordClaimed(
  deps: CaseDeps, user: User, id: string, claim: string, lang: Lang,
  progress?: (p: Record<string, unknown>) => Promise<void>,
) {
  const b = await findBatch(deps.db, user, id);
  if (!b) throw new AppError('NOT_FOUND');
  const lines = (await batchLines(deps.db, id)).filter((l) => l.status !== 'paid');
  const terms = { paidOn: isoDay(b.paid_on!), bankReference: b.bank_reference ?? undefined };
  try {
    let n = 0;
    for (const l of lines) {
      await recordLine(deps, user, b, l, terms, lang);
      if (++n % 50 === 0) {
        await holdClaim(deps, id, claim);
        await progress?.({ done: n, of: lines.length });
      }
    }
  } finally {
    // Lines left unpaid by an error stay for a retry; should this fail too, the claim's lease frees the batch.
    await releaseClaim(deps.db, id, claim, user.id, deps.clock.now()).catch(() => undefined);
  }
  return batchView(deps.db, user, id);
}

/** A background job's recording of a batch, by the user who claimed it. */
export async function recordClaimedAs(
  deps: CaseDeps, userId: string, id: string, claim: string, lang: Lang,
  progress: (p: Record<string, unknown>) => Promise<void>,
) {
  const user = await findUserById(deps.db, userId);
  if (!user) throw new Error('the user no longer exists');
  return recordClaimed(deps, user, id, claim, lang, progress);
}

/** A sign of life of the claim; a claim taken over (its request was thought dead) stops here. */
async function holdClaim(deps: CaseDeps, id: string, claim: string): Promise<void> {
  if (!await renewClaim(deps.db, id, claim, deps.clock.now())) throw new AppError('BATCH_RECORDING');
}

async function recordLine(
  deps: CaseDeps, user: User, b: PaymentBatchRow, l: BatchLine, terms: RecordTerms, lang: Lang,
): Promise<void> {
  const rule = ruleFor(b.workflow_id);
  for (let attempt = 1; ; attempt++) {
    const recorded = await findPaymentRecord(deps.db, l.case_id, l.period);
    if (recorded) return settleLine(deps.db, b, l, recorded.eventSeq, lang);
    try {
      const c = await findCase(deps.db, l.case_id, EVERYWHERE);
      if (!c) throw new Error(`case ${l.case_id} of payment line ${l.id} is gone`);
      const data = c.snapshot.context.data;
      const start = rule.window(data, null)?.start ?? null;
      const eventData = rule.eventData({
        period: b.period, months: l.months, amountFen: Number(l.amount_fen), start,
        periodFrom: periodRange(b.period).from,
      }, { number: b.number, ...terms });
      await sendEvent(deps, user, l.case_id, { type: RECORD_PAYMENT, data: eventData, expectedVersion: c.version }, `payment:${l.id}`, lang, l.id);
      return;
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      // Moved meanwhile, or paid by a request racing this one: look again.
      if ((err.code === 'STALE_VERSION' || err.code === 'PAYMENT_ALREADY_RECORDED') && attempt < LINE_ATTEMPTS) continue;
      await markLineFailed(deps.db, l.id, `${err.code}: ${errorText(lang, err)}`);
      return;
    }
  }
}

/**
 * A line whose period the case has already recorded: paid, if it
 * was this batch's payment; failed, naming the entry, if not.
 */
async function settleLine(db: Executor, b: PaymentBatchRow, l: BatchLine, seq: number, lang: Lang): Promise<void> {
  const data = (openPayload(
    l.case_id, seq, await entryPayload(db, l.case_id, seq),
  ).data ?? {}) as Record<string, unknown>;
  if (data.batchNumber === b.number && Number(data.amountFen) === Number(l.amount_fen)) {
    await markLinePaid(db, l.id, seq);
    return;
  }
  const why = message(lang, 'PAYMENT_PAID_OUTSIDE_BATCH', { period: l.period, seq });
  await markLineFailed(db, l.id, `PAYMENT_ALREADY_RECORDED: ${why}`);
}

export async function listBatches(db: Executor, user: User, workflowId?: string) {
  const rows = await listBatchesInArea(db, user.stationPath, workflowId);
  return rows.map((r) => ({
    id: r.id, number: r.number, workflowId: r.workflow_id, period: r.period, status: r.status, lineCount: r.line_count,
    totalFen: Number(r.total_fen), createdAt: r.created_at.toISOString(),
  }));
}
