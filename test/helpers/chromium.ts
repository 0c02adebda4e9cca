import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { chromium, type Browser, type ConsoleMessage, type Page } from 'playwright-core';

const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser'];

/**
 * The system's Chromium, which the report tests drive with playwright-core. A fresh Debian
 * machine has none: as root there, it is installed from Debian's archive (`apt-get install
 * chromium`), so `npm test` needs no set-up of its own; anywhere else the test fails with
 * one line saying what to install. Nothing is downloaded from anywhere else.
 */
export function chromiumPath(): string {
  const fromEnv = process.env.DRYDOCK_CHROMIUM;
  if (fromEnv && existsSync(fromEnv)) return fromEnv;
  const found = CANDIDATES.find((p) => existsSync(p));
  if (found) return found;
  const debian = existsSync('/etc/debian_version');
  const root = process.getuid?.() === 0;
  if (!debian || !root)
    throw new Error(
      `Chromium is not installed and this is not ${debian ? 'root' : 'a Debian-like system'}: ` +
        `install Debian's chromium (apt-get install chromium) or set DRYDOCK_CHROMIUM to a Chromium binary`,
    );
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const update = spawnSync('apt-get', ['update'], { env, encoding: 'utf8' });
  const install = spawnSync('apt-get', ['install', '-y', '--no-install-recommends', 'chromium'], {
    env,
    encoding: 'utf8',
  });
  const found2 = CANDIDATES.find((p) => existsSync(p));
  if (install.status !== 0 || !found2)
    throw new Error(
      `apt-get install chromium failed (exit ${install.status}): ${(install.stderr || update.stderr).trim().split('\n').slice(-2).join(' ')}`,
    );
  return found2;
}

export function chromiumVersion(path: string): string {
  try {
    return execFileSync(path, ['--version'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  } catch {
    return 'unknown';
  }
}

export async function launchChromium(): Promise<Browser> {
  // Root in a container has no user namespace for Chromium's sandbox; the pages are our own.
  return chromium.launch({ executablePath: chromiumPath(), args: ['--no-sandbox'] });
}

export interface OpenedPage {
  page: Page;
  /** Console errors and warnings, and uncaught exceptions, in order. */
  problems: string[];
  /** Requests the page tried to make (it should make none). */
  requests: string[];
}

/** Opens a report file, recording console errors and any request the page tries. */
export async function openReport(browser: Browser, file: string): Promise<OpenedPage> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const problems: string[] = [];
  const requests: string[] = [];
  page.on('console', (m: ConsoleMessage) => {
    if (m.type() === 'error' || m.type() === 'warning') problems.push(`${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`uncaught: ${e.message}`));
  page.on('request', (r) => {
    if (!r.url().startsWith('file:') && !r.url().startsWith('data:')) requests.push(r.url());
  });
  await page.goto(`file://${file}`);
  await page.waitForLoadState('load');
  return { page, problems, requests };
}

/** For the page as a string (secrets, sizes). */
export const readPage = (file: string) => readFileSync(file, 'utf8');
