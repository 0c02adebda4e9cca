import { DrydockError } from '../core/index.js';
import { DEFAULT_PHRASE, isOff, type TriggerConfig } from './event.js';

/** The action's inputs (action.yml), after parsing. */
export const TOOL_PRESETS = ['default', 'tests-only', 'read-only'] as const;
export type ToolPreset = (typeof TOOL_PRESETS)[number];

export interface ActionInputs {
  /** Which events start a run (label, phrase, mention, assignee; each may be off). */
  triggers: TriggerConfig;
  /** The label trigger's label, kept for messages ('' when that trigger is off). */
  label: string;
  allowUsers: string[];
  model?: string;
  baseUrl?: string;
  /** A secret: passed to `drydock fix` only through its environment. */
  apiKey?: string;
  maxCost?: number;
  candidates?: number;
  timeoutMinutes: number;
  /** An extra policy rule file, added to the default policy. */
  policy?: string;
  /** Model turns for the whole run (drydock fix --max-turns). */
  maxTurns?: number;
  /** What the agent may run (drydock fix --tools). */
  tools: ToolPreset;
  /** A scripted-model file: runs the action with no model endpoint (for trying it out and for tests). */
  script?: string;
}

export type InputSource = Record<string, string | undefined>;

/**
 * GitHub passes `with:` inputs as INPUT_<NAME> with the name upper-cased and hyphens kept
 * (INPUT_ALLOW-USERS); a composite action sets them itself, and bash cannot export a name
 * with a hyphen, so INPUT_ALLOW_USERS is accepted too. A flag (from `overrides`) wins.
 */
export function readInput(env: InputSource, name: string, overrides: InputSource = {}): string | undefined {
  const o = overrides[name];
  if (o !== undefined && o !== '') return o;
  const upper = name.toUpperCase();
  const v = env[`INPUT_${upper}`] ?? env[`INPUT_${upper.replace(/-/g, '_')}`];
  return v === undefined || v.trim() === '' ? undefined : v.trim();
}

function positive(name: string, text: string | undefined, integer: boolean): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isFinite(n) || n <= 0 || (integer && !Number.isInteger(n)))
    throw new DrydockError(
      `input ${name} is "${text}", not a positive ${integer ? 'whole ' : ''}number`,
      `set ${name} in the workflow's with: block to a number such as ${integer ? '3' : '2.5'}`,
      'BAD_INPUT',
    );
  return n;
}

/** Users in `allow-users`: comma- or newline-separated; `@` prefixes dropped; compared case-insensitively. */
export function parseUserList(text: string | undefined): string[] {
  return (text ?? '')
    .split(/[\s,]+/)
    .map((s) => s.replace(/^@/, '').trim())
    .filter(Boolean);
}

export function readInputs(env: InputSource, overrides: InputSource = {}): ActionInputs {
  const get = (n: string) => readInput(env, n, overrides);
  const opt = (name: string, fallback: string | null): string | null => {
    const v = get(name);
    if (v === undefined) return fallback;
    return isOff(v) ? null : v;
  };
  const triggers: TriggerConfig = {
    label: opt('label', 'drydock'),
    phrase: opt('trigger-phrase', DEFAULT_PHRASE),
    mention: opt('mention', null)?.replace(/^@/, '') ?? null,
    assignee: opt('assignee', null)?.replace(/^@/, '') ?? null,
  };
  const tools = get('tools') ?? 'default';
  if (!(TOOL_PRESETS as readonly string[]).includes(tools))
    throw new DrydockError(
      `input tools is "${tools}", not one of ${TOOL_PRESETS.join(', ')}`,
      "set tools in the workflow's with: block to default, tests-only or read-only",
      'BAD_INPUT',
    );
  return {
    triggers,
    label: triggers.label ?? '',
    allowUsers: parseUserList(get('allow-users')),
    model: get('model'),
    baseUrl: get('base-url'),
    apiKey: get('api-key'),
    maxCost: positive('max-cost', get('max-cost'), false),
    candidates: positive('candidates', get('candidates'), true),
    timeoutMinutes: positive('timeout-minutes', get('timeout-minutes'), false) ?? 30,
    maxTurns: positive('max-turns', get('max-turns'), true),
    tools: tools as ToolPreset,
    policy: get('policy'),
    script: get('script'),
  };
}
