import {
  detectCgroupHost,
  dockerClient,
  engineAddress,
  imageRef,
  imageStatuses,
  LANGUAGE_SERVER_BIN,
  LANGUAGE_SERVERS,
  LANGUAGE_SERVERS_LABEL,
  pingEngine,
  sandboxExecMode,
  type ImageOptions,
} from '../sandbox/index.js';
import { resolveModelConfig } from '../model/index.js';

export interface Check {
  name: string;
  ok: boolean;
  /** A failed required check makes `drydock doctor` exit non-zero. */
  required: boolean;
  detail: string;
  /** One line saying what to do; null when the check passed. */
  fix: string | null;
}

/** Every check doctor runs, in the order it prints them. */
export async function runChecks(imageOptions: ImageOptions): Promise<Check[]> {
  const checks: Check[] = [];
  const add = (name: string, ok: boolean, required: boolean, detail: string, fix: string) =>
    checks.push({ name, ok, required, detail, fix: ok ? null : fix });

  const major = Number(process.versions.node.split('.')[0]);
  add('node', major >= 20, true, `Node.js ${process.versions.node}`, 'install Node.js 20 or newer');

  const docker = dockerClient();
  const engine = await pingEngine(docker);
  add(
    'docker-engine',
    engine !== null,
    true,
    engine
      ? `Docker ${engine.version} (API ${engine.apiVersion}, cgroup v${engine.cgroupVersion}, ${engine.storageDriver}) at ${engineAddress()}`
      : `no engine answers at ${engineAddress()}`,
    process.env.DOCKER_HOST
      ? 'start the engine DOCKER_HOST points at, or unset DOCKER_HOST to use the local one'
      : 'run `drydock setup` (as root on Debian/Ubuntu it installs and starts one), or start Docker yourself',
  );

  const cg = detectCgroupHost();
  add(
    'cgroups',
    cg.version !== null && cg.writable && cg.controllers.length === 3,
    false,
    cg.version === null ? cg.detail : `cgroup v${cg.version}: ${cg.detail}`,
    'per-tool-call limits need a writable cgroup filesystem on the engine host (run drydock as root there); without it sandboxes fall back to container-wide limits',
  );
  if (engine) {
    const mode = await sandboxExecMode(docker);
    add(
      'exec-mode',
      mode.mode === 'per-call-cgroup',
      false,
      `${mode.mode}: ${mode.reason}`,
      'run drydock as root on the engine host with a writable cgroup filesystem to get per-call limits',
    );
  }

  if (engine) {
    for (const image of await imageStatuses(docker, imageOptions)) {
      add(
        `image:${image.name}`,
        image.present,
        true,
        image.present ? `${image.ref} is current` : `${image.ref}: ${image.detail}`,
        'run `drydock setup`',
      );
    }
  } else {
    add('images', false, true, 'cannot check images without a Docker engine', 'run `drydock setup`');
  }

  if (engine) {
    const found: string[] = [];
    for (const name of ['python', 'node'] as const) {
      const labels = await docker
        .getImage(imageRef(name))
        .inspect()
        .then((i) => i.Config.Labels ?? {})
        .catch(() => ({}) as Record<string, string>);
      if (labels[LANGUAGE_SERVERS_LABEL] === JSON.stringify(LANGUAGE_SERVERS)) found.push(name);
    }
    const servers = Object.entries(LANGUAGE_SERVERS)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ');
    add(
      'language-servers',
      found.length === 2,
      true,
      found.length === 2
        ? `${servers} in drydock/python and drydock/node (${LANGUAGE_SERVER_BIN})`
        : `missing from ${['python', 'node'].filter((n) => !found.includes(n)).join(' and ')} (want ${servers})`,
      'run `drydock setup`',
    );
  }

  let model: { ok: boolean; detail: string };
  try {
    const cfg = resolveModelConfig();
    model = cfg.script
      ? {
          ok: true,
          detail: `SCRIPTED model ${cfg.model} (answers come from ${cfg.script}, not a real model)`,
        }
      : {
          ok: Boolean(cfg.baseURL),
          detail: `model ${cfg.model} at ${cfg.baseURL ?? '(no base URL: the OpenAI API)'} (API key ${cfg.apiKey ? `set, from ${cfg.sources.apiKey}` : 'not set'}${cfg.configFile ? `; config ${cfg.configFile}` : ''})`,
        };
  } catch (err) {
    model = { ok: false, detail: `not configured: ${err instanceof Error ? err.message : String(err)}` };
  }
  add(
    'model-endpoint',
    model.ok,
    false,
    model.detail,
    'set OPENAI_BASE_URL, OPENAI_API_KEY and DRYDOCK_MODEL to any OpenAI-compatible endpoint (or use a config file, see README)',
  );
  return checks;
}
