import { Budget } from './budget.js';
import { ModelClient } from './client.js';
import type { ModelConfig } from './config.js';
import type { ModelEvent } from '../core/index.js';
import { ScriptedModelServer } from './scripted/server.js';

export interface OpenModel {
  client: ModelClient;
  /** Set when the config names a script: the loopback server answering for the model. */
  scriptedServer: ScriptedModelServer | null;
  close(): Promise<void>;
}

/**
 * A client for the configured model. With `config.script`, starts the scripted model on
 * loopback first and points the client at it, so the same code path runs with or without a
 * real model.
 */
export async function openModel(
  config: ModelConfig,
  options: { budget?: Budget; onEvent?: (event: ModelEvent) => void } = {},
): Promise<OpenModel> {
  if (!config.script) {
    const client = new ModelClient({ config, ...options });
    return { client, scriptedServer: null, close: async () => {} };
  }
  const server = await ScriptedModelServer.start({ script: config.script });
  const client = new ModelClient({
    config: { ...config, baseURL: server.baseURL, apiKey: undefined, model: server.model },
    scripted: true,
    ...options,
  });
  return { client, scriptedServer: server, close: () => server.close() };
}
