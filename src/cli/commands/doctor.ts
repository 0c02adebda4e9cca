import type { Command } from 'commander';
import { runChecks } from '../doctor.js';
import { imageOptions, type ImageFlags, toImageOptions } from '../options.js';

export function registerDoctorCommand(program: Command): void {
  const cmd = program
    .command('doctor')
    .description(
      'check that this machine can run drydock: Node, the Docker engine, cgroups for per-call limits, the sandbox images, language servers and the model endpoint; exits 1 when a required check fails',
    )
    .option(
      '--json',
      'print one JSON object, keyed by check name, each entry {name, ok, required, detail, fix}',
    );
  for (const o of imageOptions()) cmd.addOption(o);
  cmd.action(async (flags: ImageFlags & { json?: boolean }) => {
    const checks = await runChecks(toImageOptions(flags));
    if (flags.json) {
      process.stdout.write(
        `${JSON.stringify(Object.fromEntries(checks.map((c) => [c.name, c])), null, 2)}\n`,
      );
    } else {
      const width = Math.max(...checks.map((c) => c.name.length));
      for (const c of checks) {
        const mark = c.ok ? 'ok  ' : c.required ? 'FAIL' : 'warn';
        process.stdout.write(`${mark}  ${c.name.padEnd(width)}  ${c.detail}\n`);
        if (c.fix) process.stdout.write(`      ${' '.repeat(width)}  fix: ${c.fix}\n`);
      }
    }
    if (checks.some((c) => c.required && !c.ok)) process.exitCode = 1;
  });
}
