import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { tmpdir } from 'node:os';
import { DrydockError } from '../core/index.js';
import { readInputs, type InputSource } from './inputs.js';
import type { ActionContext } from './run.js';

export interface ContextFlags {
  eventName?: string;
  eventPath?: string;
  repository?: string;
  workspace?: string;
  out?: string;
  /** Input overrides by input name (label, allow-users, model, ...). */
  inputs?: InputSource;
}

/** The action's context from the variables a GitHub Actions runner sets; flags win. */
export function actionContextFromEnv(
  env: NodeJS.ProcessEnv,
  flags: ContextFlags,
  log: (line: string) => void,
): ActionContext {
  const eventName = flags.eventName ?? env.GITHUB_EVENT_NAME;
  const eventPath = flags.eventPath ?? env.GITHUB_EVENT_PATH;
  if (!eventName || !eventPath)
    throw new DrydockError(
      'no GitHub event: GITHUB_EVENT_NAME or GITHUB_EVENT_PATH is not set',
      'run inside a GitHub Actions job, or pass --event-name and --event-path',
      'BAD_INPUT',
    );
  if (!existsSync(eventPath))
    throw new DrydockError(
      `the event file ${eventPath} does not exist`,
      'pass --event-path FILE',
      'BAD_INPUT',
    );
  const serverUrl = env.GITHUB_SERVER_URL ?? 'https://github.com';
  const repository = flags.repository ?? env.GITHUB_REPOSITORY ?? '';
  const runUrl = env.GITHUB_RUN_ID
    ? `${serverUrl}/${repository}/actions/runs/${env.GITHUB_RUN_ID}`
    : undefined;
  return {
    eventName,
    payload: JSON.parse(readFileSync(eventPath, 'utf8')) as unknown,
    repository,
    token: env.GITHUB_TOKEN ?? env.INPUT_GITHUB_TOKEN ?? env['INPUT_GITHUB-TOKEN'] ?? '',
    apiUrl: env.GITHUB_API_URL ?? 'https://api.github.com',
    serverUrl,
    runUrl,
    workspace: resolve(flags.workspace ?? env.GITHUB_WORKSPACE ?? process.cwd()),
    outDir: resolve(flags.out ?? join(env.RUNNER_TEMP ?? tmpdir(), 'drydock')),
    outputFile: env.GITHUB_OUTPUT || undefined,
    inputs: readInputs(env, flags.inputs),
    log,
    fenceWorkflowCommands: env.GITHUB_ACTIONS === 'true',
  };
}
