import type { Command } from 'commander';
import { stderrProgress } from '../../core/index.js';
import {
  buildImages,
  dockerClient,
  ensureEngine,
  ensureRuntimeSource,
  RUNTIME_MISSING_HINT,
} from '../../sandbox/index.js';
import { imageOptions, type ImageFlags, toImageOptions } from '../options.js';

export function registerSetupCommand(program: Command): void {
  const cmd = program
    .command('setup')
    .description(
      'bring this machine to a working state: start a Docker engine if none answers (installing docker.io as root on Debian-like systems), then build the sandbox images drydock/base, drydock/python and drydock/node, rebuilding only what changed',
    )
    .option('--no-install', 'never install packages with apt; fail with instructions instead')
    .option(
      '--worker',
      "also build the swarm images: drydock/worker:<version> (this checkout's built drydock, for --engine swarm) and drydock/registry (Debian's docker-registry)",
    )
    .option(
      '--jvm',
      "also build drydock/jvm (Debian's JDK and Maven, for EnvBench's JVM check; large, so only when asked)",
    );
  for (const o of imageOptions()) cmd.addOption(o);
  cmd.action(async (flags: ImageFlags & { install: boolean; worker?: boolean; jvm?: boolean }) => {
    const started = Date.now();
    const engine = await ensureEngine({ progress: stderrProgress, allowInstall: flags.install });
    stderrProgress.step(
      `Docker engine ${engine.version} ${engine.started ? 'started' : 'answers'} (cgroup v${engine.cgroupVersion}, ${engine.storageDriver})`,
    );
    const missing = ensureRuntimeSource({ allowInstall: flags.install, progress: stderrProgress });
    if (missing.length)
      stderrProgress.step(
        `note: ${missing.join(' and ')} missing, so sandboxes in images without bash will not open: ${RUNTIME_MISSING_HINT}`,
      );
    const images = await buildImages(dockerClient(), { ...toImageOptions(flags), progress: stderrProgress });
    const built: string[] = images.filter((i) => i.built).map((i) => i.name);
    if (flags.worker) {
      const { buildWorkerImage, buildRegistryImage } = await import('../../cluster/index.js');
      const w = await buildWorkerImage(dockerClient(), stderrProgress);
      const r = await buildRegistryImage(dockerClient(), stderrProgress);
      stderrProgress.step(
        `worker image ${w.ref} ${w.built ? 'built' : 'up to date'}; ${r.ref} ${r.built ? 'built' : 'up to date'}`,
      );
      if (w.built) built.push('worker');
      if (r.built) built.push('registry');
    }
    if (flags.jvm) {
      const { buildJvmImage } = await import('../../harness/index.js');
      if ((await buildJvmImage(dockerClient(), stderrProgress)).built) built.push('jvm');
    }
    process.stdout.write(
      `drydock setup: ${built.length ? `built ${built.join(', ')}` : 'every image up to date'} in ${((Date.now() - started) / 1000).toFixed(1)} s\n`,
    );
  });
}
