import { execa } from 'execa';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** host[:port] of a URL, port only when it is not the scheme's default. */
function hostOf(url: string): string | null {
  try {
    const u = new URL(url.trim());
    return u.port ? `${u.hostname}:${u.port}` : u.hostname;
  } catch {
    return null;
  }
}

/** Hosts named by apt's sources: one-line `deb URL ...` entries and deb822 `URIs:` fields. */
export function aptHosts(dir = '/etc/apt'): string[] {
  const files = [join(dir, 'sources.list')];
  const d = join(dir, 'sources.list.d');
  if (existsSync(d)) {
    for (const f of readdirSync(d)) {
      if (f.endsWith('.list') || f.endsWith('.sources')) files.push(join(d, f));
    }
  }
  const out: string[] = [];
  for (const f of files) {
    let text: string;
    try {
      text = readFileSync(f, 'utf8');
    } catch {
      continue;
    }
    const enabled = !/^Enabled:\s*no\s*$/im.test(text);
    for (const line of text.split('\n')) {
      const l = line.trim();
      const one = /^deb(?:-src)?\s+(?:\[[^\]]*\]\s+)?(\S+)/.exec(l);
      const uris = enabled ? /^URIs:\s*(.+)$/i.exec(l) : null;
      for (const u of [...(one ? [one[1]!] : []), ...(uris ? uris[1]!.split(/\s+/) : [])]) {
        const h = hostOf(u);
        if (h) out.push(h);
      }
    }
  }
  return out;
}

/** pip's index hosts from its environment variables and config files. */
export function pipHosts(env: NodeJS.ProcessEnv = process.env): string[] {
  const urls: string[] = [];
  for (const k of ['PIP_INDEX_URL', 'PIP_EXTRA_INDEX_URL']) {
    if (env[k]) urls.push(...env[k].split(/\s+/));
  }
  const files = ['/etc/pip.conf', join(homedir(), '.config/pip/pip.conf'), join(homedir(), '.pip/pip.conf')];
  for (const f of files) {
    try {
      for (const m of readFileSync(f, 'utf8').matchAll(/^\s*(?:extra-)?index-url\s*=\s*(.+)$/gim)) {
        urls.push(...m[1]!.split(/\s+/));
      }
    } catch {
      // No such file.
    }
  }
  return urls.flatMap((u) => hostOf(u) ?? []);
}

/** npm's configured registry (`npm config get registry`), when npm is installed. */
export async function npmHosts(): Promise<string[]> {
  try {
    const r = await execa('npm', ['config', 'get', 'registry'], { timeout: 15_000, reject: false });
    const h = r.exitCode === 0 ? hostOf(String(r.stdout)) : null;
    return h ? [h] : [];
  } catch {
    return [];
  }
}

/**
 * The package registries this machine is configured for, read at run time (never
 * written into drydock): npm's registry, apt's sources, pip's index, and the host of
 * an HTTP(S)_PROXY in force. `extra` is `--allow-host`.
 */
export async function registryHosts(extra: string[] = []): Promise<string[]> {
  const proxies = ['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy'].flatMap((k) =>
    process.env[k] ? (hostOf(process.env[k]) ?? []) : [],
  );
  const all = [...(await npmHosts()), ...aptHosts(), ...pipHosts(), ...proxies, ...extra];
  return [...new Set(all.map((h) => h.toLowerCase()))].sort();
}
