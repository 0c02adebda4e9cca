import { pageScript } from './client.js';

/** Text into HTML, attribute-safe. */
export function esc(text: unknown): string {
  return String(text ?? '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** JSON that is safe inside `<script type="application/json">` (no `</script>`, no `<!--`). */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

const STYLE = `
:root { --fg:#1d1d1f; --muted:#666; --line:#ddd; --bg:#fff; --soft:#f6f6f4; --bad:#b00020; --good:#1a7f37; --warn:#9a6700; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--fg); background: var(--bg); margin: 0; }
main { max-width: 1180px; margin: 0 auto; padding: 16px 24px 64px; }
h1 { font-size: 22px; margin: 8px 0 4px; }
h2 { font-size: 17px; margin: 28px 0 8px; padding-top: 8px; border-top: 1px solid var(--line); }
h3 { font-size: 14px; margin: 16px 0 6px; }
.banner { padding: 8px 24px; font-weight: 600; }
.banner.scripted { background: #fff3cd; color: #5c4400; border-bottom: 1px solid #e0c36a; }
.banner.crashed { background: #fde7ea; color: var(--bad); border-bottom: 1px solid #f1aeb5; }
.muted { color: var(--muted); }
.tag { display: inline-block; padding: 0 6px; border-radius: 3px; font-size: 12px; border: 1px solid var(--line); background: var(--soft); }
.tag.selected, .tag.resolved, .tag.success, .tag.allow { color: var(--good); border-color: #9bd3a8; background: #eaf7ee; }
.tag.rejected, .tag.error, .tag.deny, .tag.killed, .tag.failed { color: var(--bad); border-color: #f1aeb5; background: #fde7ea; }
.tag.unresolved, .tag.ask, .tag.not-selected { color: var(--warn); border-color: #e6cf8b; background: #fff8e1; }
pre { background: var(--soft); padding: 8px; overflow: auto; max-height: 480px; margin: 4px 0; font: 12px/1.4 ui-monospace, SFMono-Regular, Menlo, monospace; white-space: pre-wrap; word-break: break-word; }
table { border-collapse: collapse; width: 100%; margin: 6px 0; }
th, td { text-align: left; padding: 4px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { background: var(--soft); font-weight: 600; position: sticky; top: 0; }
table.data th { cursor: pointer; user-select: none; }
th[aria-sort="ascending"]::after { content: " ▲"; }
th[aria-sort="descending"]::after { content: " ▼"; }
.num { text-align: right; font-variant-numeric: tabular-nums; }
tr.clickable { cursor: pointer; }
tr.clickable:hover { background: #fafaf7; }
tr.killed td { color: var(--bad); }
tr.denied td { color: #7a5a3a; }
.controls { display: flex; gap: 8px; align-items: center; margin: 6px 0; flex-wrap: wrap; }
.controls input { padding: 4px 6px; min-width: 240px; }
.status { color: var(--muted); }
.pager { margin-left: auto; }
.detail { padding: 4px 0; }
.label { font-weight: 600; margin-top: 6px; }
.kv { color: #333; }
.chart { overflow-x: auto; margin: 8px 0; }
.chart svg { max-width: 100%; height: auto; }
.counts { display: flex; gap: 16px; flex-wrap: wrap; margin: 8px 0; }
.count { border: 1px solid var(--line); border-radius: 6px; padding: 8px 14px; min-width: 110px; }
.count b { display: block; font-size: 22px; }
details > summary { cursor: pointer; color: #0b57d0; }
dl.grid { display: grid; grid-template-columns: max-content 1fr; gap: 2px 16px; margin: 6px 0; }
dl.grid dt { color: var(--muted); }
dl.grid dd { margin: 0; }
`;

/**
 * One self-contained page: styles, data and script inline, and a content-security policy
 * that forbids every request, so opening it never touches the network.
 */
export function page(opts: { title: string; banner?: string; body: string; data: unknown }): string {
  const csp =
    "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'";
  // `__name` is what some TypeScript runners wrap named functions in; the page has no such helper.
  const script = `var __name = function (f) { return f; };\n(${pageScript.toString()})();`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="drydock report">
<title>${esc(opts.title)}</title>
<style>${STYLE}</style>
</head>
<body>
${opts.banner ?? ''}
<main>
${opts.body}
</main>
<script type="application/json" id="report-data">${scriptJson(opts.data)}</script>
<script>${script.replace(/<\/script/gi, '<\\/script')}</script>
</body>
</html>
`;
}

/** A chart's SVG in its figure; `name` lets tests and the page script find it. */
export function figure(name: string, svg: string, caption?: string): string {
  return `<figure class="chart" data-chart="${esc(name)}">${svg}${caption ? `<figcaption class="muted">${esc(caption)}</figcaption>` : ''}</figure>`;
}

export function tag(text: string, kind = text): string {
  return `<span class="tag ${esc(kind.replace(/\s+/g, '-'))}">${esc(text)}</span>`;
}

export function mib(bytes: number | null | undefined): string {
  return bytes === null || bytes === undefined ? '' : `${(bytes / 1048576).toFixed(1)} MiB`;
}

export function seconds(ms: number | null | undefined): string {
  return ms === null || ms === undefined ? '' : `${(ms / 1000).toFixed(1)} s`;
}

export function usd(v: number | null | undefined): string {
  if (v === null || v === undefined) return 'unknown';
  return `$${v < 0.01 ? v.toFixed(6) : v.toFixed(4)}`;
}

/** A long text in a <pre>, its tail folded behind a <details>. */
export function foldedPre(text: string, lines = 40): string {
  const all = text.split('\n');
  if (all.length <= lines) return `<pre>${esc(text)}</pre>`;
  return `<pre>${esc(all.slice(0, lines).join('\n'))}</pre><details><summary>${all.length - lines} more lines</summary><pre>${esc(all.slice(lines).join('\n'))}</pre></details>`;
}
