import { copyFileSync, existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Browser, Page } from 'playwright-core';
import type { Test } from 'tap';

/** Debian's chromium; the tests never download a browser. */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export const chromiumMissing = existsSync(CHROMIUM)
  ? false
  : `no browser at ${CHROMIUM}: install Debian's chromium (apt-get install -y chromium) to run the browser tests`;

const artifacts = new URL('../../test-artifacts/', import.meta.url);
const docsScreens = new URL('../../docs/screens/', import.meta.url);

/** Starts the real service on a free loopback port; returns its address. */
export async function listen(app: FastifyInstance): Promise<string> {
  await app.listen({ port: 0, host: '127.0.0.1' });
  const addr = app.server.address();
  if (!addr || typeof addr === 'string') throw new Error('no address');
  return `http://127.0.0.1:${addr.port}`;
}

/**
 * A fontconfig set-up that adds the Source Han Sans SC faces the project already ships (npm
 * node-source-han-sans-sc, used by the notices) to the system's fonts, so screenshots show Chinese
 * even on a machine without CJK system fonts. Office PCs have their own (Microsoft YaHei).
 */
function fontConfig(): string {
  const dir = path.join(tmpdir(), `vt-fonts-${process.getuid?.() ?? 0}`);
  const fonts = path.join(dir, 'fonts');
  mkdirSync(fonts, { recursive: true });
  const pkg = path.dirname(createRequire(import.meta.url).resolve('node-source-han-sans-sc/package.json'));
  for (const f of ['SourceHanSansSC-Regular.otf', 'SourceHanSansSC-Bold.otf']) {
    if (!existsSync(path.join(fonts, f))) symlinkSync(path.join(pkg, f), path.join(fonts, f));
  }
  const file = path.join(dir, 'fonts.conf');
  writeFileSync(file, `<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd"><fontconfig>
<include ignore_missing="yes">/etc/fonts/fonts.conf</include><dir>${fonts}</dir><cachedir>${path.join(dir, 'cache')}</cachedir></fontconfig>\n`);
  return file;
}

export async function launch(t: Test): Promise<Browser> {
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    env: { ...process.env, FONTCONFIG_FILE: fontConfig(), LANG: 'zh_CN.UTF-8', LANGUAGE: 'zh_CN' } as Record<string, string>,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--lang=zh-CN'],
  });
  t.teardown(() => browser.close());
  return browser;
}

/** Logs a demo user in through the login page (opened if the page is elsewhere) and waits for the home page. */
export async function logIn(page: Page, base: string, username: string): Promise<void> {
  if (!new URL(page.url(), base).pathname.startsWith('/login')) await page.goto(`${base}/login`);
  await page.getByLabel('用户名').fill(username);
  await page.getByLabel('密码').fill('demo1234');
  await page.getByRole('button', { name: '登录' }).click();
  await page.waitForURL(`${base}/`);
}

/** Console errors and refused resources (a CSP violation shows up here) collected per page. */
export function watchConsole(page: Page): string[] {
  const problems: string[] = [];
  page.on('console', (m) => {
    // A page answered 401/409/422 on purpose logs "Failed to load resource"; failed subresources are caught below.
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) problems.push(m.text());
  });
  page.on('response', (r) => {
    if (r.request().resourceType() !== 'document' && r.status() >= 400) problems.push(`${r.status()} ${r.url()}`);
  });
  // Leaving a page cancels what it was still loading (ERR_ABORTED): not a fault of the page.
  page.on('requestfailed', (r) => {
    const why = r.failure()?.errorText ?? '';
    if (!why.includes('ERR_ABORTED')) problems.push(`failed ${r.url()} ${why}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  return problems;
}

const axeSource = readFileSync(new URL('../../node_modules/axe-core/axe.min.js', import.meta.url), 'utf8');

export interface AxeFinding {
  id: string;
  impact: string | null;
  help: string;
  nodes: string[];
}

/**
 * Runs axe-core in the page (evaluated through the DevTools protocol, so the page's strict CSP
 * stays on) and returns every violation, whatever its impact: minor and moderate ones are faults too.
 */
export async function axeViolations(page: Page): Promise<AxeFinding[]> {
  await page.evaluate(axeSource);
  // A string, not a function: the test files are type-checked without the DOM's types.
  return await page.evaluate(`(async () => {
    const r = await window.axe.run(document, { resultTypes: ['violations'], runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] } });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 5).map((n) => n.target.join(' ')) }));
  })()`) as AxeFinding[];
}

/** Saves a screenshot as a test artifact; with UPDATE_SCREENS=1 the key ones are copied for the README. */
export async function screenshot(
  page: Page, name: string, opts: { key?: boolean; fullPage?: boolean } = {},
): Promise<string> {
  const dir = new URL('e2e/', artifacts);
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir.pathname, `${name}.png`);
  await page.screenshot({ path: file, fullPage: opts.fullPage ?? true });
  if (opts.key && process.env.UPDATE_SCREENS === '1') {
    // The README's copy is small: what fits on the screen, not the whole page.
    mkdirSync(docsScreens, { recursive: true });
    const size = page.viewportSize()!;
    if (size.width < 600) copyFileSync(file, path.join(docsScreens.pathname, `${name}.png`));
    else await page.screenshot({ path: path.join(docsScreens.pathname, `${name}.png`), clip: { x: 0, y: 0, width: size.width, height: Math.min(size.height, 720) } });
  }
  return file;
}
