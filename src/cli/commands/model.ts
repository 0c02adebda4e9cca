import { Command, InvalidArgumentError } from 'commander';
import {
  ScriptedModelServer,
  describeModelConfig,
  openModel,
  renderPrompt,
  resolveModelConfig,
  type ModelFlags,
} from '../../model/index.js';

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('expected a whole number');
  return n;
}

/** Adds the flags every command that talks to a model shares. */
export function addModelOptions(cmd: Command): Command {
  return cmd
    .option('--base-url <url>', 'OpenAI-compatible endpoint, ending in /v1 (env OPENAI_BASE_URL)')
    .option('--api-key <key>', 'API key (env OPENAI_API_KEY; prefer the env var: flags show in ps)')
    .option('--model <name>', 'model name (env DRYDOCK_MODEL)')
    .option('--script <file>', 'use the scripted model answering from this YAML/JSON file')
    .option(
      '--config <file>',
      'config file (default ./drydock.config.yaml, then ~/.config/drydock/config.yaml)',
    )
    .option('--timeout-ms <ms>', 'per-request timeout', positiveInt)
    .option('--max-retries <n>', 'retries after a failed request (429, 5xx, reset, timeout)', positiveInt);
}

export function registerModelCommand(program: Command): void {
  const model = program.command('model').description('the model endpoint: check it, or serve a scripted one');

  model
    .command('serve-scripted')
    .description(
      'serve an OpenAI-compatible scripted model on loopback; prints its base URL on stdout, runs until interrupted',
    )
    .requiredOption('--script <file>', 'the script file (YAML or JSON; format in src/model/README.md)')
    .option('--port <n>', 'port to listen on (default: a free one)', positiveInt, 0)
    .option('--host <host>', 'loopback address to listen on', '127.0.0.1')
    .action(async (opts: { script: string; port: number; host: string }) => {
      const server = await ScriptedModelServer.start({
        script: opts.script,
        port: opts.port,
        host: opts.host,
      });
      process.stdout.write(`${server.baseURL}\n`);
      process.stderr.write(
        `drydock: SCRIPTED model ${server.model} is answering from ${opts.script} (not a language model)\n` +
          `  use it with: OPENAI_BASE_URL=${server.baseURL} DRYDOCK_MODEL=${server.model}\n` +
          `  stop with Ctrl-C\n`,
      );
      await new Promise<void>((resolve) => {
        const stop = () => resolve();
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
      await server.close();
      process.stderr.write(`drydock: scripted model stopped after ${server.requests.length} request(s)\n`);
    });

  addModelOptions(
    model
      .command('check')
      .description(
        'send one tiny request to the configured model and print what came back, or a clear error',
      ),
  ).action(async (opts: ModelFlags) => {
    const config = resolveModelConfig({ ...opts, maxRetries: opts.maxRetries ?? 1 });
    const opened = await openModel(config);
    try {
      const reply = await opened.client.complete({
        messages: [{ role: 'user', content: renderPrompt('model-check') }],
        maxTokens: 16,
      });
      const settings = describeModelConfig(config);
      const lines = [
        `model:    ${reply.model}${reply.scripted ? '  (SCRIPTED: answers come from a script file, not a language model)' : ''}`,
        `endpoint: ${opened.scriptedServer ? `${opened.scriptedServer.baseURL} (scripted, loopback)` : settings.baseURL}`,
        `api key:  ${settings.apiKey}`,
        `reply:    ${JSON.stringify(reply.choices[0]?.message.content ?? null)}`,
        `usage:    ${reply.usage.promptTokens} prompt + ${reply.usage.completionTokens} completion tokens` +
          (reply.usage.estimated ? ' (estimated: the endpoint sent no usage)' : ''),
        `cost:     ${reply.costUsd === null ? 'unknown (no price for this model in the config)' : `$${reply.costUsd.toFixed(6)}`}`,
        `latency:  ${reply.latencyMs} ms, ${reply.attempts} attempt(s)`,
      ];
      process.stdout.write(`${lines.join('\n')}\n`);
    } finally {
      await opened.close();
    }
  });
}
