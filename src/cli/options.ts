import { InvalidArgumentError, Option } from 'commander';
import type { BaseSource } from '../sandbox/index.js';

/** Image options shared by `setup`, `doctor` and `demo`, so all three compute the same image hashes. */
export function imageOptions(): Option[] {
  return [
    new Option(
      '--ca-cert <file>',
      "PEM certificate to trust inside the images, for apt, git, pip and node (repeatable; default: the host's /usr/local/share/ca-certificates/*.crt)",
    ).argParser((value: string, previous: string[] | undefined) => [...(previous ?? []), value]),
    new Option('--node-version <range>', 'Node.js version for drydock/node (an npm version or range)')
      .default('22')
      .argParser(parseNodeVersion),
    new Option('--base-source <source>', 'where drydock/base comes from')
      .choices(['auto', 'registry', 'debootstrap'])
      .default('auto'),
    new Option('--mirror <url>', "Debian mirror for debootstrap (default: the host's bookworm mirror)"),
  ];
}

export interface ImageFlags {
  caCert?: string[];
  nodeVersion: string;
  baseSource: BaseSource;
  mirror?: string;
}

export function toImageOptions(flags: ImageFlags) {
  return {
    caCerts: flags.caCert,
    nodeVersion: flags.nodeVersion,
    baseSource: flags.baseSource,
    mirror: flags.mirror,
  };
}

export function parseNodeVersion(value: string): string {
  if (!/^[0-9][0-9A-Za-z.^~<>=|\- ]*$/.test(value))
    throw new InvalidArgumentError('expected a Node version like 22 or 22.11.0');
  return value;
}
