import type { FastifyReply, FastifyRequest } from 'fastify';
import { sendStep } from '../cases/case.service.ts';
import { RECALL } from '../definitions/definition.types.ts';
import { AppError, errorStatus, errorText } from '../http/errors.ts';
import { message, type MessageKey } from '../messages/catalogue.ts';
import type { Lang } from '../messages/lang.ts';
import { casePage, type CasePages } from './case-page.ts';
import { pageLang, posted, see } from './web.ts';

type IdParams = { id: string };

/** A refused act in words: a stale version says so, otherwise the service's own reasons. */
function refusalText(err: AppError, lang: Lang, stale: MessageKey): string {
  if (err.code === 'STALE_VERSION') return message(lang, stale);
  return err.extras.errors?.map((e) => e.message).join('；') || errorText(lang, err);
}

/** The data of a history act posted from the case page, or the problem that stops it. */
function actInput(
  act: string, f: { text: string; userId: string; reason: string }, lang: Lang,
): { data: Record<string, unknown> } | { field: string; text: string } {
  if (act === 'CLAIM') return { data: {} };
  if (act === 'RELEASE') return { data: f.reason ? { reason: f.reason } : {} };
  if (act === 'COMMENT' || act === 'URGE') return f.text ? { data: { text: f.text } } : { field: `${act}-text`, text: message(lang, 'ACT_WRITE_SOMETHING') };
  if (act !== 'REASSIGN' && act !== 'COPY_TO') throw new AppError('BAD_REQUEST');
  if (!f.userId) return { field: `${act}-user`, text: message(lang, 'ACT_CHOOSE_PERSON') };
  const why = f.reason ? (act === 'REASSIGN' ? { reason: f.reason } : { note: f.reason }) : {};
  return { data: { userId: f.userId, ...why } };
}

/** 意见 / 转办 / 抄送 / 催办 and 撤回: the history entries posted from the case page. */
export default async function caseActPages(p: CasePages): Promise<void> {
  const { app } = p;

  /** 撤回: the case goes back to the step the clerk just sent; a refusal is explained at the top of the page. */
  async function recallFromPage(
    req: FastifyRequest<{ Params: IdParams }>, reply: FastifyReply, expectedVersion: number, reason: string,
  ): Promise<FastifyReply> {
    const lang = pageLang(req);
    try {
      const event = { type: RECALL, data: reason ? { reason } : {}, expectedVersion };
      await sendStep(app.caseDeps, req.user!, req.params.id, event, undefined, lang);
      return see(reply, `/cases/${req.params.id}?acted=${RECALL}`);
    } catch (err) {
      if (!(err instanceof AppError) || err.code === 'NOT_FOUND') throw err;
      return casePage(p, req, reply, req.params.id, { pageError: refusalText(err, lang, 'ACT_STALE') }, errorStatus[err.code]);
    }
  }

  /** 认领 / 退回队列: done, the case page says so; refused (someone claimed it first), the page says who and when. */
  async function claimFromPage(
    req: FastifyRequest<{ Params: IdParams }>, reply: FastifyReply, act: 'CLAIM' | 'RELEASE', expectedVersion: number, reason: string,
  ): Promise<FastifyReply> {
    const lang = pageLang(req);
    try {
      const event = { type: act, data: act === 'RELEASE' && reason ? { reason } : {}, expectedVersion };
      await sendStep(app.caseDeps, req.user!, req.params.id, event, undefined, lang);
      return see(reply, `/cases/${req.params.id}?acted=${act}`);
    } catch (err) {
      if (!(err instanceof AppError) || err.code === 'NOT_FOUND') throw err;
      return casePage(p, req, reply, req.params.id, { pageError: refusalText(err, lang, 'ACT_STALE') }, errorStatus[err.code]);
    }
  }

  app.post<{ Params: IdParams }>('/cases/:id/acts', async (req, reply) => {
    const lang = pageLang(req);
    const form = posted(req);
    const act = form.first('_act') ?? '';
    const expectedVersion = Number(form.first('_version'));
    const text = (form.first('text') ?? '').trim();
    const userId = form.first('userId') ?? '';
    const reason = (form.first('reason') ?? '').trim();
    if (act === RECALL) return recallFromPage(req, reply, expectedVersion, reason);
    if (act === 'CLAIM' || act === 'RELEASE') return claimFromPage(req, reply, act, expectedVersion, reason);
    const input = actInput(act, { text, userId, reason }, lang);
    const actErrors: { field: string; text: string }[] = [];
    if ('data' in input) {
      try {
        const event = { type: act, data: input.data, expectedVersion };
        await sendStep(app.caseDeps, req.user!, req.params.id, event, undefined, lang);
        return see(reply, `/cases/${req.params.id}?acted=${act}#history`);
      } catch (err) {
        if (!(err instanceof AppError) || err.code === 'NOT_FOUND') throw err;
        actErrors.push({ field: `${act}-${act === 'REASSIGN' || act === 'COPY_TO' ? 'user' : 'text'}`, text: refusalText(err, lang, 'ACT_STALE_KEPT') });
      }
    } else actErrors.push(input);
    const shownAgain = { actErrors, actOpen: act, actValues: { text, userId, reason } };
    return casePage(p, req, reply, req.params.id, shownAgain, 422);
  });
}
