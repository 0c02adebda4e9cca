import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

/**
 * Charts are Vega-Lite specs compiled and rendered to static SVG when the report is written
 * (the headless `renderer: 'none'` view needs no canvas and no browser), so the page carries
 * finished pictures and no charting code. Every mark gets an `aria-label` from its
 * `description` encoding: what a screen reader reads, and what tests count.
 */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const compiled = compile(spec).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

const FONT = {
  font: 'system-ui, sans-serif',
  labelFont: 'system-ui, sans-serif',
  titleFont: 'system-ui, sans-serif',
};
const config = {
  axis: { labelFont: FONT.font, titleFont: FONT.font, labelFontSize: 11, titleFontSize: 11 },
  legend: { labelFont: FONT.font, titleFont: FONT.font },
  title: { font: FONT.font, fontSize: 13, anchor: 'start' as const },
  view: { stroke: null },
};

export interface TimelineCall {
  index: number;
  callId: string;
  tool: string;
  startS: number;
  endS: number;
  /** The bar's drawn end: at least a sliver, so an instant call is still a visible mark. */
  drawEndS: number;
  state: string;
  label: string;
  killed: boolean;
  killedLabel: string;
}

export const CALL_STATES = ['ok', 'error', 'denied', 'killed', 'language server'] as const;
const STATE_COLORS = ['#4c78a8', '#f58518', '#9d755d', '#e45756', '#72b7b2'];

/** A language-server process on the timeline: a lane per server kind, below the tools. */
export interface TimelineServer {
  lane: string;
  startS: number;
  drawEndS: number;
  state: 'language server';
  label: string;
}

/**
 * One bar per tool call on the run's clock, a lane per tool; killed calls get a cross too.
 * Language-server processes get a bar each in lanes of their own.
 */
export function timelineSpec(
  calls: TimelineCall[],
  width: number,
  spanS: number,
  servers: TimelineServer[] = [],
): TopLevelSpec {
  const serverLanes = [...new Set(servers.map((s) => s.lane))].sort();
  const lanes = [...[...new Set(calls.map((c) => c.tool))].sort(), ...serverLanes];
  const serverLayer = servers.length
    ? [
        {
          data: { values: servers },
          mark: { type: 'bar', height: 10, description: 'language server', aria: true },
          encoding: {
            x: { field: 'startS', type: 'quantitative' },
            x2: { field: 'drawEndS' },
            y: { field: 'lane', type: 'nominal', sort: null, scale: { domain: lanes } },
            color: { field: 'state', type: 'nominal' },
            description: { field: 'label' },
          },
        },
      ]
    : [];
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: `Tool calls over time (${calls.length})${servers.length ? ` and language servers (${servers.length})` : ''}`,
    width,
    height: Math.max(60, lanes.length * 28),
    config,
    data: { values: calls },
    layer: [
      {
        mark: { type: 'bar', height: 14, description: 'tool call', aria: true },
        encoding: {
          x: {
            field: 'startS',
            type: 'quantitative',
            title: 'seconds since the run started',
            scale: { domain: [0, spanS] },
          },
          x2: { field: 'drawEndS' },
          y: {
            field: 'tool',
            type: 'nominal',
            sort: null,
            scale: { domain: lanes },
            title: null,
            axis: { labelLimit: 260 },
          },
          color: {
            field: 'state',
            type: 'nominal',
            scale: { domain: [...CALL_STATES], range: STATE_COLORS },
            title: 'call',
          },
          description: { field: 'label' },
        },
      },
      {
        transform: [{ filter: 'datum.killed' }],
        mark: { type: 'point', shape: 'cross', size: 120, color: '#b00020', filled: true, aria: true },
        encoding: {
          x: { field: 'endS', type: 'quantitative' },
          y: { field: 'tool', type: 'nominal', sort: null, scale: { domain: lanes } },
          description: { field: 'killedLabel' },
        },
      },
      ...serverLayer,
    ],
  } as TopLevelSpec;
}

export interface UsagePoint {
  index: number;
  tool: string;
  startS: number;
  peakMiB: number | null;
  limitMiB: number | null;
  cpuCores: number | null;
  cpuLimit: number | null;
  killed: boolean;
  label: string;
}

/** Peak memory of each call (a dot) against its memory limit (a tick above it). */
export function memorySpec(points: UsagePoint[], width: number): TopLevelSpec {
  const measured = points.filter((p) => p.peakMiB !== null);
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: 'Peak memory of each call, against its limit (tick)',
    width,
    height: 160,
    config,
    data: { values: measured },
    layer: [
      {
        mark: { type: 'tick', color: '#999', thickness: 1, aria: false },
        encoding: {
          x: { field: 'startS', type: 'quantitative', title: 'seconds since the run started' },
          y: { field: 'limitMiB', type: 'quantitative' },
        },
      },
      {
        mark: { type: 'point', filled: true, size: 30, aria: false },
        encoding: {
          x: { field: 'startS', type: 'quantitative' },
          y: { field: 'peakMiB', type: 'quantitative', title: 'MiB' },
          color: {
            field: 'killed',
            type: 'nominal',
            scale: { domain: [false, true], range: ['#4c78a8', '#e45756'] },
            title: 'killed',
          },
        },
      },
    ],
  } as TopLevelSpec;
}

/** CPU cores each call used on average (CPU time / wall time), against its CPU limit. */
export function cpuSpec(points: UsagePoint[], width: number): TopLevelSpec {
  const measured = points.filter((p) => p.cpuCores !== null);
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: 'CPU of each call (CPU time / wall time, in cores), against its limit (tick)',
    width,
    height: 120,
    config,
    data: { values: measured },
    layer: [
      {
        mark: { type: 'tick', color: '#999', thickness: 1, aria: false },
        encoding: {
          x: { field: 'startS', type: 'quantitative', title: 'seconds since the run started' },
          y: { field: 'cpuLimit', type: 'quantitative' },
        },
      },
      {
        mark: { type: 'point', filled: true, size: 30, color: '#54a24b', aria: false },
        encoding: {
          x: { field: 'startS', type: 'quantitative' },
          y: { field: 'cpuCores', type: 'quantitative', title: 'cores' },
        },
      },
    ],
  } as TopLevelSpec;
}

export interface StageBar {
  name: string;
  startS: number;
  endS: number;
  label: string;
}

/** The stages on the run's clock. */
export function stagesSpec(stages: StageBar[], width: number): TopLevelSpec {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: 'Stages',
    width,
    height: Math.max(40, stages.length * 22),
    config,
    data: { values: stages.map((s, i) => ({ ...s, order: i })) },
    mark: { type: 'bar', height: 14, aria: true },
    encoding: {
      x: { field: 'startS', type: 'quantitative', title: 'seconds since the run started' },
      x2: { field: 'endS' },
      y: { field: 'name', type: 'nominal', sort: { field: 'order' }, title: null },
      color: { field: 'name', type: 'nominal', legend: null },
      description: { field: 'label' },
    },
  } as TopLevelSpec;
}

/** How many instances ended each way. */
export function outcomesSpec(counts: { outcome: string; count: number }[], width: number): TopLevelSpec {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: 'Instances by outcome',
    width,
    height: Math.max(40, counts.length * 22),
    config,
    data: { values: counts.map((c) => ({ ...c, label: `${c.outcome}: ${c.count}` })) },
    layer: [
      {
        mark: { type: 'bar', height: 14, aria: true },
        encoding: {
          y: { field: 'outcome', type: 'nominal', title: null, sort: null },
          x: { field: 'count', type: 'quantitative', title: 'instances' },
          color: {
            field: 'outcome',
            type: 'nominal',
            legend: null,
            scale: {
              domain: ['resolved', 'unresolved', 'error', 'empty', 'incomplete'],
              range: ['#54a24b', '#f58518', '#e45756', '#bab0ac', '#9d755d'],
            },
          },
          description: { field: 'label' },
        },
      },
      {
        mark: { type: 'text', align: 'left', dx: 4, aria: false },
        encoding: {
          y: { field: 'outcome', type: 'nominal', sort: null },
          x: { field: 'count', type: 'quantitative' },
          text: { field: 'count', type: 'quantitative' },
        },
      },
    ],
  } as TopLevelSpec;
}

/** Duration of each instance against its peak memory. */
export function instancesSpec(
  rows: { id: string; outcome: string; durationS: number | null; peakMiB: number | null }[],
  width: number,
): TopLevelSpec {
  const measured = rows.filter((r) => r.durationS !== null);
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: 'Duration of each instance (and peak memory, when measured)',
    width,
    height: 180,
    config,
    data: { values: measured.map((r) => ({ ...r, label: `${r.id}: ${r.outcome}, ${r.durationS} s` })) },
    mark: { type: 'point', filled: true, size: 24, aria: true },
    encoding: {
      x: { field: 'durationS', type: 'quantitative', title: 'seconds' },
      y: { field: 'peakMiB', type: 'quantitative', title: 'peak MiB' },
      color: {
        field: 'outcome',
        type: 'nominal',
        scale: {
          domain: ['resolved', 'unresolved', 'error', 'empty', 'incomplete'],
          range: ['#54a24b', '#f58518', '#e45756', '#bab0ac', '#9d755d'],
        },
      },
      description: { field: 'label' },
    },
  } as TopLevelSpec;
}
