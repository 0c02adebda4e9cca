import { setWorse, type StatusMap, type TestStatus } from './status.js';

const xmlUnescape = (s: string) =>
  s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');

/** JUnit XML (surefire, gradle, pytest --junitxml, jest-junit): ids are `classname.name` (or `name` alone). */
export function parseJunitXml(log: string): StatusMap {
  const map: StatusMap = {};
  const re = /<testcase\b([^>]*?)(\/>|>([\s\S]*?)<\/testcase>)/g;
  for (const m of log.matchAll(re)) {
    const attrs: Record<string, string> = {};
    for (const a of m[1]!.matchAll(/([\w:-]+)\s*=\s*"([^"]*)"/g)) attrs[a[1]!] = xmlUnescape(a[2]!);
    if (!attrs.name) continue;
    const id = attrs.classname ? `${attrs.classname}.${attrs.name}` : attrs.name;
    const body = m[3] ?? '';
    const s: TestStatus = /<error\b/.test(body)
      ? 'ERROR'
      : /<failure\b/.test(body)
        ? 'FAILED'
        : /<skipped\b/.test(body)
          ? 'SKIPPED'
          : 'PASSED';
    setWorse(map, id, s);
  }
  return map;
}
