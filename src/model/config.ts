import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { DrydockError } from '../core/index.js';
import type { BudgetLimits } from './budget.js';
import type { PriceTable } from './pricing.js';

export type SamplesMode = 'auto' | 'native' | 'parallel';
export type Source = 'flag' | 'env' | 'file' | 'default';

export interface ModelConfig {
  /** Undefined means the SDK's default (OpenAI's own endpoint). */
  baseURL?: string;
  /** Never print this; use describeModelConfig. */
  apiKey?: string;
  model: string;
  /** A script file: run the scripted model instead of an endpoint. */
  script?: string;
  timeoutMs: number;
  /** Retries after the first attempt (so maxRetries + 1 attempts in all). */
  maxRetries: number;
  retryBaseDelayMs: number;
  retryMaxDelayMs: number;
  /** How n > 1 samples are obtained: the `n` parameter, parallel requests, or n then top up. */
  samples: SamplesMode;
  maxParallel: number;
  /** The model's context window in tokens (config `model.context_window`); requests are kept under it. */
  contextWindow?: number;
  /** How the model acts with tools (config `model.action_format`): native calls, or written in text. */
  actionFormat?: 'native' | 'text';
  prices: PriceTable;
  budget: BudgetLimits;
  /** Where each setting came from, for `drydock model check`. */
  sources: Partial<Record<'baseURL' | 'apiKey' | 'model' | 'script', Source>>;
  configFile?: string;
}

/** What the CLI passes; undefined means "not given". */
export interface ModelFlags {
  baseUrl?: string;
  apiKey?: string;
  model?: string;
  script?: string;
  config?: string;
  timeoutMs?: number;
  maxRetries?: number;
  maxCost?: number;
  maxTokens?: number;
  maxTurns?: number;
}

const priceSchema = z.object({ input: z.number().nonnegative(), output: z.number().nonnegative() });

const fileSchema = z
  .object({
    model: z
      .object({
        base_url: z.string().optional(),
        api_key: z.string().optional(),
        name: z.string().optional(),
        script: z.string().optional(),
        timeout_ms: z.number().int().positive().optional(),
        max_retries: z.number().int().nonnegative().optional(),
        retry_base_delay_ms: z.number().nonnegative().optional(),
        retry_max_delay_ms: z.number().nonnegative().optional(),
        samples: z.enum(['auto', 'native', 'parallel']).optional(),
        max_parallel: z.number().int().positive().optional(),
        context_window: z.number().int().positive().optional(),
        action_format: z.enum(['native', 'text']).optional(),
      })
      .strict()
      .optional(),
    budget: z
      .object({
        max_cost_usd: z.number().positive().optional(),
        max_tokens: z.number().int().positive().optional(),
        max_turns: z.number().int().positive().optional(),
      })
      .strict()
      .optional(),
    prices: z.record(z.string(), priceSchema).optional(),
  })
  // Other layers keep their own sections in the same file.
  .passthrough();

export type ConfigFile = z.infer<typeof fileSchema>;

/** The config files looked at, first found wins: ./drydock.config.yaml, then the user's. */
export function defaultConfigPaths(
  cwd = process.cwd(),
  env: NodeJS.ProcessEnv = process.env,
  home = homedir(),
): string[] {
  const xdg = env.XDG_CONFIG_HOME || join(home, '.config');
  return [join(cwd, 'drydock.config.yaml'), join(xdg, 'drydock', 'config.yaml')];
}

export function loadConfigFile(path: string): ConfigFile {
  let raw: unknown;
  try {
    raw = parseYaml(readFileSync(path, 'utf8')) ?? {};
  } catch (err) {
    throw new DrydockError(
      `cannot read config file ${path}: ${(err as Error).message}`,
      'fix the YAML or remove the file',
      'CONFIG_INVALID',
    );
  }
  const parsed = fileSchema.safeParse(raw);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    throw new DrydockError(
      `config file ${path}: ${first ? `${first.path.join('.')}: ${first.message}` : 'invalid'}`,
      'see src/model/README.md for the config file format',
      'CONFIG_INVALID',
    );
  }
  return parsed.data;
}

function pick<T>(...candidates: [T | undefined, Source][]): [T, Source] | undefined {
  for (const [value, source] of candidates) if (value !== undefined && value !== '') return [value, source];
  return undefined;
}

/**
 * Resolves the model settings. Precedence: flags > environment (OPENAI_BASE_URL,
 * OPENAI_API_KEY, DRYDOCK_MODEL) > config file > defaults. A script (scripted model) is used
 * when given as a flag, or when the config file names one and no endpoint was given by a flag
 * or the environment.
 */
export function resolveModelConfig(
  flags: ModelFlags = {},
  env: NodeJS.ProcessEnv = process.env,
  configPaths: string[] = defaultConfigPaths(process.cwd(), env),
): ModelConfig {
  let configFile: string | undefined;
  if (flags.config) {
    if (!existsSync(flags.config))
      throw new DrydockError(
        `config file ${flags.config} does not exist`,
        'check the --config path',
        'CONFIG_NOT_FOUND',
      );
    configFile = resolve(flags.config);
  } else {
    configFile = configPaths.find((p) => existsSync(p));
  }
  const file: ConfigFile = configFile ? loadConfigFile(configFile) : {};
  const fm = file.model ?? {};

  const baseURL = pick<string>([flags.baseUrl, 'flag'], [env.OPENAI_BASE_URL, 'env'], [fm.base_url, 'file']);
  const apiKey = pick<string>([flags.apiKey, 'flag'], [env.OPENAI_API_KEY, 'env'], [fm.api_key, 'file']);
  let script = pick<string>([flags.script, 'flag']);
  if (!script && fm.script && (!baseURL || baseURL[1] === 'file')) script = [fm.script, 'file'];
  const scriptPath = script
    ? resolve(script[1] === 'file' && configFile ? join(configFile, '..') : '.', script[0])
    : undefined;

  let model = pick<string>([flags.model, 'flag'], [env.DRYDOCK_MODEL, 'env'], [fm.name, 'file']);
  if (scriptPath && (!model || model[1] !== 'flag')) model = [`scripted:${basename(scriptPath)}`, 'default'];
  if (!model) {
    throw new DrydockError(
      'no model configured',
      'set DRYDOCK_MODEL and OPENAI_BASE_URL (and OPENAI_API_KEY if the endpoint needs one), ' +
        'pass --model/--base-url, or use --script FILE for the scripted model',
      'MODEL_NOT_CONFIGURED',
    );
  }

  const budget: BudgetLimits = {
    maxCostUsd: flags.maxCost ?? file.budget?.max_cost_usd,
    maxTokens: flags.maxTokens ?? file.budget?.max_tokens,
    maxTurns: flags.maxTurns ?? file.budget?.max_turns,
  };
  return {
    baseURL: scriptPath ? undefined : baseURL?.[0],
    apiKey: scriptPath ? undefined : apiKey?.[0],
    model: model[0],
    script: scriptPath,
    timeoutMs: flags.timeoutMs ?? fm.timeout_ms ?? 120_000,
    maxRetries: flags.maxRetries ?? fm.max_retries ?? 4,
    retryBaseDelayMs: fm.retry_base_delay_ms ?? 500,
    retryMaxDelayMs: fm.retry_max_delay_ms ?? 30_000,
    samples: fm.samples ?? 'auto',
    maxParallel: fm.max_parallel ?? 4,
    ...(fm.context_window ? { contextWindow: fm.context_window } : {}),
    ...(fm.action_format ? { actionFormat: fm.action_format } : {}),
    prices: file.prices ?? {},
    budget,
    sources: {
      baseURL: scriptPath ? undefined : baseURL?.[1],
      apiKey: scriptPath ? undefined : apiKey?.[1],
      model: model[1],
      script: script?.[1],
    },
    configFile,
  };
}

/** A printable view of the settings: the API key is never shown, only whether there is one. */
export function describeModelConfig(cfg: ModelConfig): Record<string, unknown> {
  return {
    model: cfg.model,
    baseURL: cfg.script ? '(scripted model, loopback)' : (cfg.baseURL ?? '(SDK default)'),
    apiKey: cfg.apiKey ? `set (from ${cfg.sources.apiKey})` : 'not set',
    script: cfg.script,
    timeoutMs: cfg.timeoutMs,
    maxRetries: cfg.maxRetries,
    samples: cfg.samples,
    budget: cfg.budget,
    configFile: cfg.configFile ?? '(none)',
  };
}

/** Settings for the test suite and callers that build a config in code. */
export function modelConfig(partial: Partial<ModelConfig> & { model: string }): ModelConfig {
  return {
    timeoutMs: 120_000,
    maxRetries: 4,
    retryBaseDelayMs: 500,
    retryMaxDelayMs: 30_000,
    samples: 'auto',
    maxParallel: 4,
    prices: {},
    budget: {},
    sources: {},
    ...partial,
  };
}
