import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { addUser, setUserDisabled } from '../auth/account.service.ts';
import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from '../auth/password-rule.ts';
import { AppError } from '../http/errors.ts';
import type { Lang } from '../messages/lang.ts';
import { addStation, findStation, listStations } from '../stations/station.service.ts';
import { ROLE_LIST, userAccount, userAccounts, usernameTaken, type Role } from '../users/user.service.ts';
import { label, ROLES } from './labels.ts';
import { tr } from './view.ts';
import { pageLang, posted, see, sendPage, type PageOptions } from './web.ts';

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

function adminOnly(req: FastifyRequest): void {
  if (req.user?.role !== 'admin') throw new AppError('FORBIDDEN');
}

/** The administrator's page: users (add, disable, enable) and the tree of stations (add under a parent). */
export default async function adminPages(app: FastifyInstance, opts: PageOptions): Promise<void> {
  app.addHook('preHandler', async (req) => adminOnly(req));

  async function page(req: FastifyRequest, reply: FastifyReply, st: AdminState = {}): Promise<FastifyReply> {
    const lang: Lang = pageLang(req);
    const stations = await listStations(app.db);
    const byId = new Map(stations.map((s) => [s.id, s]));
    const name = (id: string | null | undefined) => {
      const s = id ? byId.get(id) : undefined;
      return s ? (lang === 'en' ? s.name_en : s.name_zh) : '';
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
    const done = q?.done === 'user' ? tr(lang, '已添加用户。', 'User added.')
      : q?.done === 'station' ? tr(lang, '已添加站点。', 'Station added.')
        : q?.done === 'disabled' ? tr(lang, '已停用该用户。', 'User disabled.')
          : q?.done === 'enabled' ? tr(lang, '已启用该用户。', 'User enabled.') : null;
    return sendPage(req, reply, opts, 'admin', tr(lang, '用户与站点管理', 'Users and stations'), {
      nav: { admin: true },
      done: req.method === 'GET' ? done : null,
      errorSummary: summary,
      users: users.map((u) => ({
        id: u.id, username: u.username, displayName: u.displayName, role: label(ROLES, u.role, lang),
        station: name(u.stationId), disabled: u.disabled, isSelf: u.id === self,
      })),
      stations: stations.map((s) => ({
        id: s.id, name: lang === 'en' ? s.name_en : s.name_zh, level: label(LEVEL, s.level, lang), parent: name(s.parent_id),
        depth: s.path.split('.').length - 1, indent: '　'.repeat(s.path.split('.').length - 1),
      })),
      roleOptions: ROLE_LIST.map((r) => ({ value: r, label: label(ROLES, r, lang), selected: (uf.role ?? 'clerk') === r })),
      stationOptions: stations.map((s) => ({
        value: s.id, label: `${'　'.repeat(s.path.split('.').length - 1)}${lang === 'en' ? s.name_en : s.name_zh}`, selected: uf.stationId === s.id,
      })),
      parentOptions: stations.filter((s) => s.level !== 'village').map((s) => ({
        value: s.id, label: `${'　'.repeat(s.path.split('.').length - 1)}${lang === 'en' ? s.name_en : s.name_zh}`, selected: sf.parentId === s.id,
      })),
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
    if (!form.username) errors.username = tr(lang, '请填写用户名', 'Enter a user name');
    else if (form.username.length > 40 || !USERNAME.test(form.username)) errors.username = tr(lang, '用户名只能由字母、数字和 . _ - 组成，不超过40个字符', 'A user name is letters, digits and . _ -, 40 characters at most');
    if (!form.displayName) errors.displayName = tr(lang, '请填写姓名', 'Enter the name');
    else if (form.displayName.length > 100) errors.displayName = tr(lang, '姓名不超过100个字符', 'The name is 100 characters at most');
    if (!ROLE_LIST.includes(form.role as Role)) errors.role = tr(lang, '请选择角色', 'Choose a role');
    const station = form.stationId ? await findStation(app.db, form.stationId) : undefined;
    if (!station) errors.stationId = tr(lang, '请选择所属站点', 'Choose the station');
    if (password.length < MIN_PASSWORD_LENGTH) errors.password = tr(lang, `初始密码至少${MIN_PASSWORD_LENGTH}个字符`, `The initial password needs ${MIN_PASSWORD_LENGTH} characters at least`);
    else if (password.length > MAX_PASSWORD_LENGTH) errors.password = tr(lang, `初始密码不超过${MAX_PASSWORD_LENGTH}个字符`, `The initial password is ${MAX_PASSWORD_LENGTH} characters at most`);
    const duplicate = () => tr(lang, `用户名“${form.username}”已存在，请换一个`, `The user name “${form.username}” is taken; choose another`);
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
      return page(req, reply, { rowError: tr(lang, '不能停用您自己的账户。', 'You cannot disable your own account.'), status: 422 });
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
    if (!parent) errors.parentId = tr(lang, '请选择上级站点', 'Choose the parent station');
    else if (parent.level === 'village') errors.parentId = tr(lang, '村（社区）站点下不能再设站点', 'A village station has no stations under it');
    if (!form.id) errors.id = tr(lang, '请填写站点编号', 'Enter the station id');
    else if (form.id.length > 40 || !STATION_ID.test(form.id)) errors.id = tr(lang, '站点编号须以小写字母开头，只能包含小写字母、数字和连字符（-），不超过40个字符', 'A station id starts with a lower-case letter and has lower-case letters, digits and hyphens, 40 characters at most');
    if (!form.nameZh) errors.nameZh = tr(lang, '请填写中文名称', 'Enter the Chinese name');
    else if (form.nameZh.length > 100) errors.nameZh = tr(lang, '中文名称不超过100个字符', 'The Chinese name is 100 characters at most');
    if (!form.nameEn) errors.nameEn = tr(lang, '请填写英文名称', 'Enter the English name');
    else if (form.nameEn.length > 100) errors.nameEn = tr(lang, '英文名称不超过100个字符', 'The English name is 100 characters at most');
    const duplicate = () => tr(lang, `站点编号“${form.id}”已存在，请换一个`, `The station id “${form.id}” is taken; choose another`);
    if (!errors.id && await findStation(app.db, form.id)) errors.id = duplicate();
    if (Object.keys(errors).length || !parent || parent.level === 'village') return page(req, reply, { stationForm: form, stationErrors: errors, status: 422 });
    if (await addStation(app.db, { ...parent, level: parent.level }, form) === 'taken') {
      return page(req, reply, { stationForm: form, stationErrors: { id: duplicate() }, status: 422 });
    }
    req.log.info({ admin: req.user!.id, station: form.id }, 'station added');
    return see(reply, '/admin?done=station');
  });
}
