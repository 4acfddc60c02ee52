import { parseArgs } from 'node:util';
import { loadConfig } from '../config.ts';
import { addUser } from '../auth/account.service.ts';
import { issueApiToken } from '../auth/api-token.service.ts';
import { MIN_PASSWORD_LENGTH } from '../auth/password-rule.ts';
import { embeddedSessionSecret } from '../db/embedded.ts';
import { findStation } from '../stations/station.service.ts';
import { ROLE_LIST, type Role } from '../users/user.service.ts';
import { openConfiguredDatabase, runCli } from './database.ts';

const MAX_TOKEN_DAYS = 366;

const usage = `npm run user:add -- --username NAME --name 显示名 --role clerk|supervisor|policy|admin --station STATION_ID [--api-token [--token-days 1…${MAX_TOKEN_DAYS}, default 90]]
The password is read from the USER_PASSWORD environment variable (never from the command line, so it stays out of shell history).`;

runCli(async () => {
  const { values } = parseArgs({
    options: { username: { type: 'string' }, name: { type: 'string' }, role: { type: 'string' }, station: { type: 'string' }, 'api-token': { type: 'boolean' }, 'token-days': { type: 'string' } },
  });
  const password = process.env.USER_PASSWORD;
  if (!values.username || !values.name || !values.role || !values.station || !password) throw new Error(usage);
  if (!ROLE_LIST.includes(values.role as Role)) throw new Error(`未知角色 / unknown role "${values.role}"\n${usage}`);
  if (password.length < MIN_PASSWORD_LENGTH) throw new Error(`密码至少${MIN_PASSWORD_LENGTH}位 / the password needs at least ${MIN_PASSWORD_LENGTH} characters`);
  const tokenDays = Number(values['token-days'] ?? 90);
  if (!Number.isInteger(tokenDays) || tokenDays < 1 || tokenDays > MAX_TOKEN_DAYS) throw new Error(`--token-days 须为1至${MAX_TOKEN_DAYS}的整数 / --token-days must be a whole number from 1 to ${MAX_TOKEN_DAYS}\n${usage}`);
  const config = loadConfig();
  const { db, close } = await openConfiguredDatabase(config);
  try {
    if (!(await findStation(db, values.station))) throw new Error(`服务站不存在 / no station "${values.station}"`);
    const now = new Date();
    const added = await addUser(db, {
      username: values.username, displayName: values.name, role: values.role as Role, stationId: values.station,
      password,
    }, now);
    if (added === 'taken') throw new Error(`用户名已存在 / username "${values.username}" is taken`);
    console.log(`已创建用户 / user created: ${values.username} (${added.id})`);
    if (values['api-token']) {
      const secret = config.sessionSecret ?? embeddedSessionSecret(config.dataDir);
      const { token, expiresAt } = await issueApiToken(db, secret, added.id, now, tokenDays);
      console.log(`API token (shown once), valid until ${expiresAt.toISOString()}: ${token}`);
    }
  } finally {
    await close();
  }
});
