import {
  ModelClient,
  ScriptedModelServer,
  modelConfig,
  type ModelConfig,
  type ModelEvent,
  type ScriptInput,
} from '../../src/model/index.js';

/** A scripted server plus a real client pointed at it, with fast retries unless overridden. */
export async function scripted(
  script: ScriptInput,
  config: Partial<ModelConfig> = {},
  onEvent: (event: ModelEvent) => void = () => {},
): Promise<{
  server: ScriptedModelServer;
  client: ModelClient;
  events: ModelEvent[];
  close: () => Promise<void>;
}> {
  const server = await ScriptedModelServer.start({ script });
  const events: ModelEvent[] = [];
  const client = new ModelClient({
    config: modelConfig({
      model: server.model,
      baseURL: server.baseURL,
      retryBaseDelayMs: 5,
      retryMaxDelayMs: 5_000,
      timeoutMs: 5_000,
      ...config,
    }),
    scripted: true,
    onEvent: (e) => {
      events.push(e);
      onEvent(e);
    },
    random: () => 0.5,
  });
  return { server, client, events, close: () => server.close() };
}
