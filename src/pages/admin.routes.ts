import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { addUser, setUserDisabled } from '../auth/account.service.ts';
import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from '../auth/password-rule.ts';
import { AppError } from '../http/errors.ts';
import { authorize } from '../jurisdiction/authorize.ts';
import { message, type MessageKey } from '../messages/catalogue.ts';
import type { Lang } from '../messages/lang.ts';
import { addStation, findStation, listStations, type Station } from '../stations/station.service.ts';
import { ROLE_LIST, userAccount, userAccounts, usernameTaken, type Role } from '../users/user.service.ts';
import { label, ROLES, stationName } from './labels.ts';
import { pageLang, posted, see, sendPage } from './web.ts';

const LEVEL: Record<string, { zh: string; en: string }> = {
  district: { zh: '区', en: 'district' }, town: { zh: '镇（街道）', en: 'town' }, village: { zh: '村（社区）', en: 'village' },
};
const STATION_ID = /^[a-z][a-z0-9-]*$/;
const USERNAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

type FieldErrors = Record<string, string>;

interface AdminState {
  userForm?: Record<string, string>;
  userErrors?: FieldErrors;
  stationForm?: Record<string, string>;
  stationErrors?: FieldErrors;
  rowError?: string;
  status?: number;
}

/** What the page says after each kind of change (`?done=`). */
const DONE: Record<string, MessageKey> = {
  user: 'PAGE_ADMIN_USER_ADDED',
  station: 'PAGE_ADMIN_STATION_ADDED',
  disabled: 'PAGE_ADMIN_USER_DISABLED',
  enabled: 'PAGE_ADMIN_USER_ENABLED',
};

/** A station as an option of a select, indented under its parent. */
function stationOption(s: Station, lang: Lang, selected: boolean) {
  return { value: s.id, label: `${'　'.repeat(s.path.split('.').length - 1)}${stationName(s, lang)}`, selected };
}

/** The administrator's page: users (add, disable, enable) and the tree of stations (add under a parent). */
export default async function adminPages(app: FastifyInstance): Promise<void> {
  app.addHook('preHandler', async (req) => authorize(req.user!, 'admin.manage'));

  async function page(req: FastifyRequest, reply: FastifyReply, st: AdminState = {}): Promise<FastifyReply> {
    const lang: Lang = pageLang(req);
    const stations = await listStations(app.db);
    const byId = new Map(stations.map((s) => [s.id, s]));
    const name = (id: string | null | undefined) => {
      const s = id ? byId.get(id) : undefined;
      return s ? stationName(s, lang) : '';
    };
    const users = await userAccounts(app.db);
    const self = req.user!.id;
    const uf = st.userForm ?? {};
    const sf = st.stationForm ?? {};
    const ue = st.userErrors ?? {};
    const se = st.stationErrors ?? {};
    const summary = [
      ...Object.entries(ue).map(([k, text]) => ({ href: `#u-${k}`, text })),
      ...Object.entries(se).map(([k, text]) => ({ href: `#s-${k}`, text })),
      ...(st.rowError ? [{ href: null, text: st.rowError }] : []),
    ];
    const q = req.query as { done?: string } | undefined;
    const done = q?.done && Object.hasOwn(DONE, q.done) ? message(lang, DONE[q.done]!) : null;
    return sendPage(req, reply, 'admin', message(lang, 'PAGE_ADMIN_TITLE'), {
      nav: { admin: true },
      done: req.method === 'GET' ? done : null,
      errorSummary: summary,
      users: users.map((u) => ({
        id: u.id, username: u.username, displayName: u.displayName, role: label(ROLES, u.role, lang),
        station: name(u.stationId), disabled: u.disabled, isSelf: u.id === self,
      })),
      stations: stations.map((s) => ({
        id: s.id, name: stationName(s, lang), level: label(LEVEL, s.level, lang), parent: name(s.parent_id),
        depth: s.path.split('.').length - 1, indent: '　'.repeat(s.path.split('.').length - 1),
      })),
      roleOptions: ROLE_LIST.map((r) => ({ value: r, label: label(ROLES, r, lang), selected: (uf.role ?? 'clerk') === r })),
      stationOptions: stations.map((s) => stationOption(s, lang, uf.stationId === s.id)),
      parentOptions: stations.filter((s) => s.level !== 'village').map((s) => stationOption(s, lang, sf.parentId === s.id)),
      uf, ue, sf, se,
    }, st.status ?? 200);
  }

  app.get('/admin', async (req, reply) => page(req, reply));
  // A page shown after a POST reloads (language link) at its GET twin.
  app.get('/admin/users', async (_req, reply) => see(reply, '/admin'));
  app.get('/admin/stations', async (_req, reply) => see(reply, '/admin'));
  app.get('/admin/users/:id/status', async (_req, reply) => see(reply, '/admin'));

  app.post('/admin/users', async (req, reply) => {
    const lang = pageLang(req);
    const f = posted(req);
    const form = {
      username: (f.first('username') ?? '').trim(),
      displayName: (f.first('displayName') ?? '').trim(),
      role: f.first('role') ?? '',
      stationId: f.first('stationId') ?? '',
    };
    const password = f.first('password') ?? '';
    const errors: FieldErrors = {};
    if (!form.username) errors.username = message(lang, 'PAGE_ADMIN_USERNAME_MISSING');
    else if (form.username.length > 40 || !USERNAME.test(form.username)) {
      errors.username = message(lang, 'PAGE_ADMIN_USERNAME_FORMAT');
    }
    if (!form.displayName) errors.displayName = message(lang, 'PAGE_ADMIN_NAME_MISSING');
    else if (form.displayName.length > 100) errors.displayName = message(lang, 'PAGE_ADMIN_NAME_TOO_LONG');
    if (!ROLE_LIST.includes(form.role as Role)) errors.role = message(lang, 'PAGE_ADMIN_ROLE_MISSING');
    const station = form.stationId ? await findStation(app.db, form.stationId) : undefined;
    if (!station) errors.stationId = message(lang, 'PAGE_ADMIN_STATION_MISSING');
    if (password.length < MIN_PASSWORD_LENGTH) {
      errors.password = message(lang, 'PAGE_ADMIN_PASSWORD_TOO_SHORT', { min: MIN_PASSWORD_LENGTH });
    } else if (password.length > MAX_PASSWORD_LENGTH) {
      errors.password = message(lang, 'PAGE_ADMIN_PASSWORD_TOO_LONG', { max: MAX_PASSWORD_LENGTH });
    }
    const duplicate = () => message(lang, 'PAGE_ADMIN_USERNAME_TAKEN', { username: form.username });
    if (!errors.username && await usernameTaken(app.db, form.username)) errors.username = duplicate();
    if (Object.keys(errors).length) return page(req, reply, { userForm: form, userErrors: errors, status: 422 });
    const added = await addUser(app.db, { ...form, role: form.role as Role, password }, app.clock.now());
    if (added === 'taken') return page(req, reply, { userForm: form, userErrors: { username: duplicate() }, status: 422 });
    req.log.info({ admin: req.user!.id, username: form.username, role: form.role }, 'user added');
    return see(reply, '/admin?done=user');
  });

  app.post<{ Params: { id: string } }>('/admin/users/:id/status', async (req, reply) => {
    const lang = pageLang(req);
    const disable = posted(req).first('disabled') === '1';
    const id = req.params.id;
    if (id.length > 100) throw new AppError('NOT_FOUND');
    const user = await userAccount(app.db, id);
    if (!user) throw new AppError('NOT_FOUND');
    if (disable && user.id === req.user!.id) {
      return page(req, reply, { rowError: message(lang, 'PAGE_ADMIN_DISABLE_SELF'), status: 422 });
    }
    await setUserDisabled(app.db, id, disable);
    req.log.info({ admin: req.user!.id, username: user.username, disabled: disable }, 'user status changed');
    return see(reply, `/admin?done=${disable ? 'disabled' : 'enabled'}`);
  });

  app.post('/admin/stations', async (req, reply) => {
    const lang = pageLang(req);
    const f = posted(req);
    const form = {
      parentId: f.first('parentId') ?? '',
      id: (f.first('id') ?? '').trim(),
      nameZh: (f.first('nameZh') ?? '').trim(),
      nameEn: (f.first('nameEn') ?? '').trim(),
    };
    const errors: FieldErrors = {};
    const parent = form.parentId ? await findStation(app.db, form.parentId) : undefined;
    if (!parent) errors.parentId = message(lang, 'PAGE_ADMIN_PARENT_MISSING');
    else if (parent.level === 'village') errors.parentId = message(lang, 'PAGE_ADMIN_PARENT_VILLAGE');
    if (!form.id) errors.id = message(lang, 'PAGE_ADMIN_STATION_ID_MISSING');
    else if (form.id.length > 40 || !STATION_ID.test(form.id)) errors.id = message(lang, 'PAGE_ADMIN_STATION_ID_FORMAT');
    if (!form.nameZh) errors.nameZh = message(lang, 'PAGE_ADMIN_NAME_ZH_MISSING');
    else if (form.nameZh.length > 100) errors.nameZh = message(lang, 'PAGE_ADMIN_NAME_ZH_TOO_LONG');
    if (!form.nameEn) errors.nameEn = message(lang, 'PAGE_ADMIN_NAME_EN_MISSING');
    else if (form.nameEn.length > 100) errors.nameEn = message(lang, 'PAGE_ADMIN_NAME_EN_TOO_LONG');
    const duplicate = () => message(lang, 'PAGE_ADMIN_STATION_ID_TAKEN', { id: form.id });
    if (!errors.id && await findStation(app.db, form.id)) errors.id = duplicate();
    if (Object.keys(errors).length || !parent || parent.level === 'village') return page(req, reply, { stationForm: form, stationErrors: errors, status: 422 });
    if (await addStation(app.db, { ...parent, level: parent.level }, form) === 'taken') {
      return page(req, reply, { stationForm: form, stationErrors: { id: duplicate() }, status: 422 });
    }
    req.log.info({ admin: req.user!.id, station: form.id }, 'station added');
    return see(reply, '/admin?done=station');
  });
}
