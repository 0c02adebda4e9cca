/// <reference lib="dom" />
/**
 * The page's only script: tables that page, sort and filter thousands of rows without
 * putting thousands of rows into the document, and tool-call details opened on demand.
 *
 * `pageScript` is serialized with `Function.prototype.toString` into the page, so it must
 * not use anything from outside its own body (no imports, no module variables). It builds
 * every cell with `textContent`, never `innerHTML`, so nothing in the data becomes markup.
 */

/* eslint-disable @typescript-eslint/no-explicit-any */
export function pageScript(): void {
  const doc = document;
  const dataEl = doc.getElementById('report-data');
  if (!dataEl) return;
  const data = JSON.parse(dataEl.textContent || '{}');

  const el = (tag: string, attrs?: Record<string, string>, text?: string): HTMLElement => {
    const e = doc.createElement(tag);
    if (attrs) for (const k of Object.keys(attrs)) e.setAttribute(k, attrs[k]!);
    if (text !== undefined) e.textContent = text;
    return e;
  };

  const FOLD_LINES = 30;
  const folded = (text: string): HTMLElement => {
    const lines = text.split('\n');
    const box = el('div', { class: 'fold' });
    if (lines.length <= FOLD_LINES) {
      box.appendChild(el('pre', {}, text));
      return box;
    }
    box.appendChild(el('pre', {}, lines.slice(0, FOLD_LINES).join('\n')));
    const more = el('details');
    more.appendChild(el('summary', {}, `${lines.length - FOLD_LINES} more lines`));
    more.appendChild(el('pre', {}, lines.slice(FOLD_LINES).join('\n')));
    box.appendChild(more);
    return box;
  };

  interface Column {
    key: string;
    label: string;
    type: 'text' | 'num';
    /** Key of a link target in the row; the cell becomes a link. */
    links?: { key: string; label: string }[];
    format?: string;
  }
  interface TableSpec {
    id: string;
    rows: any[];
    columns: Column[];
    pageSize: number;
    /** A column whose values get a select filter. */
    facet?: string;
    detail?: 'toolCall';
    initialSort?: { key: string; dir: 1 | -1 };
  }

  const mib = (b: number | null) => (b === null || b === undefined ? '' : `${(b / 1048576).toFixed(1)} MiB`);
  const fmt = (v: any, c: Column): string => {
    if (v === null || v === undefined) return '';
    if (c.format === 'bytes') return mib(v);
    if (c.format === 'ms') return `${String(Math.round(v)).replace(/\B(?=(\d{3})+$)/g, ',')} ms`;
    if (c.format === 's') return `${(v / 1000).toFixed(1)} s`;
    return String(v);
  };

  const toolCallDetail = (row: any): HTMLElement => {
    const box = el('div', { class: 'detail' });
    box.appendChild(el('div', { class: 'kv' }, `call ${row.callId} · ${row.tool} · stage ${row.stage}`));
    box.appendChild(el('div', { class: 'label' }, 'arguments'));
    box.appendChild(folded(row.args));
    box.appendChild(
      el(
        'div',
        { class: 'kv' },
        row.decision
          ? `policy: ${row.decision}${row.rule ? ` by rule ${row.rule}` : ''} — ${row.policyReason ?? ''}`
          : 'policy: no decision (the call did not reach the policy)',
      ),
    );
    const usage = [
      row.wallMs !== null ? `wall ${Math.round(row.wallMs)} ms` : '',
      row.cpuMs !== null ? `cpu ${Math.round(row.cpuMs)} ms` : '',
      row.peakMemoryBytes !== null
        ? `peak ${mib(row.peakMemoryBytes)}${row.memoryLimitBytes ? ` of ${mib(row.memoryLimitBytes)}` : ''}`
        : '',
      row.killedBy ? `KILLED by ${row.killedBy}` : '',
      row.exitCode !== null ? `exit ${row.exitCode}` : '',
    ].filter(Boolean);
    box.appendChild(
      el('div', { class: 'kv' }, usage.length ? usage.join(' · ') : 'no sandbox usage recorded'),
    );
    box.appendChild(
      el(
        'div',
        { class: 'label' },
        `observation${row.observationTruncated ? ' (cut before the model saw it)' : ''}`,
      ),
    );
    box.appendChild(folded(row.observation));
    return box;
  };

  const mountTable = (spec: TableSpec): void => {
    const host = doc.getElementById(spec.id);
    if (!host) return;
    let sortKey = spec.initialSort?.key ?? null;
    let sortDir: 1 | -1 = spec.initialSort?.dir ?? 1;
    let filter = '';
    let facet = '';
    let page = 0;
    const open = new Set<number>();

    const controls = el('div', { class: 'controls' });
    const search = el('input', {
      type: 'search',
      placeholder: 'filter rows…',
      'aria-label': 'filter rows',
      'data-role': 'filter',
    }) as HTMLInputElement;
    controls.appendChild(search);
    let select: HTMLSelectElement | null = null;
    if (spec.facet) {
      select = el('select', {
        'aria-label': `only this ${spec.facet}`,
        'data-role': 'facet',
      }) as HTMLSelectElement;
      const values = [...new Set(spec.rows.map((r) => String(r[spec.facet!])))].sort();
      select.appendChild(el('option', { value: '' }, `every ${spec.facet}`));
      for (const v of values) select.appendChild(el('option', { value: v }, v));
      controls.appendChild(select);
    }
    const status = el('span', { class: 'status', 'data-role': 'status' });
    controls.appendChild(status);
    const pager = el('span', { class: 'pager' });
    const prev = el('button', { type: 'button', 'data-role': 'prev' }, '‹ previous');
    const next = el('button', { type: 'button', 'data-role': 'next' }, 'next ›');
    pager.appendChild(prev);
    pager.appendChild(next);
    controls.appendChild(pager);
    host.appendChild(controls);

    const table = el('table', { class: 'data' });
    const thead = el('thead');
    const headRow = el('tr');
    for (const c of spec.columns) {
      const th = el('th', { 'data-key': c.key, tabindex: '0', 'aria-sort': 'none' }, c.label);
      if (c.type === 'num') th.className = 'num';
      th.addEventListener('click', () => {
        if (sortKey === c.key) sortDir = sortDir === 1 ? -1 : 1;
        else {
          sortKey = c.key;
          sortDir = 1;
        }
        page = 0;
        render();
      });
      th.addEventListener('keydown', (ev) => {
        if ((ev as KeyboardEvent).key === 'Enter') (th as HTMLElement).click();
      });
      headRow.appendChild(th);
    }
    thead.appendChild(headRow);
    table.appendChild(thead);
    const tbody = el('tbody');
    table.appendChild(tbody);
    host.appendChild(table);

    const text = (r: any) =>
      spec.columns
        .map((c) => fmt(r[c.key], c))
        .join(' ')
        .toLowerCase();
    // Built on the first filter, so opening a page of thousands of rows does not wait for it.
    let haystack: string[] | null = null;

    const render = (): void => {
      const needle = filter.trim().toLowerCase();
      if (needle && !haystack) haystack = spec.rows.map(text);
      let rows = spec.rows.filter(
        (r, i) => (!needle || haystack![i]!.includes(needle)) && (!facet || String(r[spec.facet!]) === facet),
      );
      if (sortKey) {
        const col = spec.columns.find((c) => c.key === sortKey)!;
        const k = sortKey;
        rows = rows.slice().sort((a, b) => {
          const x = a[k];
          const y = b[k];
          if (x === y) return 0;
          if (x === null || x === undefined) return 1;
          if (y === null || y === undefined) return -1;
          const cmp = col.type === 'num' ? Number(x) - Number(y) : String(x).localeCompare(String(y));
          return cmp * sortDir;
        });
      }
      for (const th of Array.from(headRow.children)) {
        const key = th.getAttribute('data-key');
        th.setAttribute('aria-sort', key === sortKey ? (sortDir === 1 ? 'ascending' : 'descending') : 'none');
      }
      const pages = Math.max(1, Math.ceil(rows.length / spec.pageSize));
      page = Math.min(page, pages - 1);
      const shown = rows.slice(page * spec.pageSize, (page + 1) * spec.pageSize);
      tbody.textContent = '';
      for (const r of shown) {
        const tr = el('tr', { 'data-row': String(r.__key) });
        if (r.__class) tr.className = r.__class;
        for (const c of spec.columns) {
          const td = el('td');
          if (c.type === 'num') td.className = 'num';
          if (c.links) {
            for (const l of c.links) {
              const href = r[l.key];
              if (!href) continue;
              const a = el('a', { href }, l.label);
              td.appendChild(a);
              td.appendChild(doc.createTextNode(' '));
            }
          } else td.textContent = fmt(r[c.key], c);
          tr.appendChild(td);
        }
        if (spec.detail) {
          tr.classList.add('clickable');
          tr.addEventListener('click', () => {
            if (open.has(r.__key)) open.delete(r.__key);
            else open.add(r.__key);
            render();
          });
        }
        tbody.appendChild(tr);
        if (spec.detail && open.has(r.__key)) {
          const dtr = el('tr', { class: 'detail-row' });
          const td = el('td', { colspan: String(spec.columns.length) });
          td.appendChild(toolCallDetail(r));
          dtr.appendChild(td);
          tbody.appendChild(dtr);
        }
      }
      const from = rows.length ? page * spec.pageSize + 1 : 0;
      status.textContent =
        `${from}–${page * spec.pageSize + shown.length} of ${rows.length}` +
        (rows.length !== spec.rows.length ? ` (filtered from ${spec.rows.length})` : '');
      (prev as HTMLButtonElement).disabled = page === 0;
      (next as HTMLButtonElement).disabled = page >= pages - 1;
    };

    search.addEventListener('input', () => {
      filter = search.value;
      page = 0;
      render();
    });
    select?.addEventListener('change', () => {
      facet = select!.value;
      page = 0;
      render();
    });
    prev.addEventListener('click', () => {
      page--;
      render();
    });
    next.addEventListener('click', () => {
      page++;
      render();
    });
    (host as any).showRow = (key: number) => {
      const i = spec.rows.findIndex((r) => r.__key === key);
      if (i < 0) return;
      filter = '';
      search.value = '';
      facet = '';
      if (select) select.value = '';
      sortKey = null;
      page = Math.floor(i / spec.pageSize);
      open.add(key);
      render();
      host.querySelector(`tr[data-row="${key}"]`)?.scrollIntoView({ block: 'center' });
    };
    render();
  };

  for (const t of (data.tables || []) as TableSpec[]) mountTable(t);

  // A click on a tool call's mark in the timeline opens that call in the table.
  for (const mark of Array.from(doc.querySelectorAll('[data-chart="timeline"] [aria-label^="#"]'))) {
    mark.addEventListener('click', () => {
      const n = Number(/^#(\d+)/.exec(mark.getAttribute('aria-label') || '')?.[1]);
      const host = doc.getElementById('tool-calls') as any;
      if (host && host.showRow && Number.isInteger(n)) host.showRow(n);
    });
  }
}
