import qrcode from 'qrcode-generator';
import { attachFiles, attachmentFor } from '../attachments/attachment.service.ts';
import { disposition } from '../http/download.ts';
import { AppError } from '../http/errors.ts';
import { message } from '../messages/catalogue.ts';
import { findStation } from '../stations/station.service.ts';
import { caseHeading, dueOf, loadCase, noticesOf, personHeader } from './case-model.ts';
import { casePage, type CasePages } from './case-page.ts';
import { uploadsOf } from './case-step-form.ts';
import { stationName } from './labels.ts';
import { escapeHtml as esc, fmtDateTime, loc } from './view.ts';
import { pageLang, posted, see, sendPage } from './web.ts';

type IdParams = { id: string };

/** A case's files: attached without a step form, served inside the jurisdiction, and the printable receipt. */
export default async function caseFilePages(p: CasePages): Promise<void> {
  const { app } = p;

  /** Attaching files without a step form (a step whose moves take no form, or a closed form). */
  app.post<{ Params: IdParams }>('/cases/:id/attachments', async (req, reply) => {
    const lang = pageLang(req);
    const lc = await loadCase(app, req.user!, req.params.id, lang);
    const uploads = uploadsOf(posted(req), lc);
    if (!uploads.length) return casePage(p, req, reply, lc.row.id, { uploadError: message(lang, 'UPLOAD_CHOOSE_FILE') }, 422);
    const res = await attachFiles(app.caseDeps, req.user!, lc.row.id, uploads, lang);
    if (res.problems.length) return casePage(p, req, reply, lc.row.id, { uploadError: res.problems.map((x) => x.message).join('；'), uploaded: res.attached.length || undefined }, 422);
    return see(reply, `/cases/${lc.row.id}?uploaded=${res.attached.length}#materials`);
  });

  // Files are served only inside the jurisdiction of the case they belong to.
  app.get<{ Params: IdParams; Querystring: { download?: string } }>('/attachments/:id', async (req, reply) => {
    const a = await attachmentFor(app.db, req.user!, req.params.id);
    if (!a) throw new AppError('NOT_FOUND');
    const fallback = `attachment-${req.params.id}.${a.mime === 'application/pdf' ? 'pdf' : a.mime === 'image/png' ? 'png' : 'jpg'}`;
    return reply.type(a.mime).header('content-disposition', disposition(a.filename, fallback, req.query.download === '1' ? 'attachment' : 'inline'))
      .header('cache-control', 'private, max-age=3600').header('etag', `"${a.sha256}"`)
      .header('content-security-policy', "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'").send(a.bytes);
  });

  app.get<{ Params: IdParams }>('/attachments/:id/thumb', async (req, reply) => {
    const a = await attachmentFor(app.db, req.user!, req.params.id);
    if (!a || a.mime === 'application/pdf') throw new AppError('NOT_FOUND');
    const thumb = a.thumbnail;
    return reply.type(thumb ? (thumb[0] === 0xff ? 'image/jpeg' : 'image/png') : a.mime).header('cache-control', 'private, max-age=86400').send(thumb ?? a.bytes);
  });

  /** 回执: a printable receipt with the case number, the materials received and a QR code to check it. */
  app.get<{ Params: IdParams }>('/cases/:id/receipt', async (req, reply) => {
    const lang = pageLang(req);
    const lc = await loadCase(app, req.user!, req.params.id, lang);
    const notices = await noticesOf(app, lc.row.id);
    const receipt = [...notices].reverse().find((n) => n.kind === 'receipt');
    const base = app.notices?.settings.publicBaseUrl ?? `${req.protocol}://${req.headers.host}`;
    const target = receipt?.verifyUrl ?? `${base}/cases/${lc.row.id}`;
    const qr = qrcode(0, 'M');
    qr.addData(target);
    qr.make();
    // The library's SVG is finished markup; only the label, escaped, goes into it.
    const svg = qr.createSvgTag({ cellSize: 4, margin: 2, scalable: true }).replace('<svg ', `<svg class="qr" role="img" aria-label="${esc(message(lang, 'RECEIPT_QR_LABEL'))}" `);
    const received = new Set(lc.row.snapshot.context.materials);
    const materials = lc.definition.materials.filter((m) => received.has(m.id)).map((m, i) => ({
      no: i + 1,
      title: loc(lang, m.title),
      originalSeen: m.originalSeen === true,
      files: lc.attachments.filter((a) => a.materialId === m.id).length,
    }));
    const station = await findStation(app.db, req.user!.stationId);
    return sendPage(req, reply, 'receipt', message(lang, 'RECEIPT_TITLE'), {
      case: { ...caseHeading(lc, lang), createdAt: lc.row.createdAt },
      person: personHeader(lc.person, lang), materials, files: lc.attachments.length, receipt,
      qrSvg: svg, qrTarget: target,
      due: dueOf(app, lc.row, lang), station: station && stationName(station, lang), clerk: req.user!.displayName,
      printedAt: fmtDateTime(app.clock.now()), printPage: true,
    });
  });
}
