import { fileURLToPath } from 'node:url';
import type { Progress } from '../core/index.js';

/** What drydock's images are: names, sources, pinned language servers, options and status. */

export const IMAGES_DIR = fileURLToPath(new URL('../../sandbox-images/', import.meta.url));
export const SLIM_IMAGE = 'debian:bookworm-slim';

export type ImageName = 'base' | 'python' | 'node';
export const IMAGE_NAMES: readonly ImageName[] = ['base', 'python', 'node'];
export type BaseSource = 'auto' | 'registry' | 'debootstrap';

/**
 * Language servers baked into drydock/base (so every language image has them),
 * pinned so that diagnostics, and so rewards, are reproducible. They run on a
 * Node.js of their own under /opt/drydock; wrappers are in LANGUAGE_SERVER_BIN.
 */
export const LANGUAGE_SERVERS = {
  pyright: '1.1.414',
  'typescript-language-server': '5.1.2',
  typescript: '5.9.3',
  node: '22',
} as const;
export const LANGUAGE_SERVER_BIN = '/opt/drydock/bin';
/** Label on drydock/base, inherited by every language image: the pinned servers, as JSON. */
export const LANGUAGE_SERVERS_LABEL = 'drydock.language-servers';

export interface ImageOptions {
  /** PEM certificate files to trust inside images; default: the host's HOST_CA_DIR/*.crt. */
  caCerts?: string[];
  /** Node.js version (an npm semver range of node-linux-<arch>) for drydock/node. */
  nodeVersion?: string;
  /** Where drydock/base comes from: debian:bookworm-slim, a debootstrap import, or whichever works. */
  baseSource?: BaseSource;
  /** Debian mirror for debootstrap; default: the host's bookworm mirror, else debootstrap's own. */
  mirror?: string;
  progress?: Progress;
}

export interface ImageStatus {
  name: ImageName;
  /** drydock/<name>:<hash of inputs> */
  ref: string;
  hash: string;
  present: boolean;
  /** Set by buildImages: true when this run built it. */
  built?: boolean;
  detail: string;
}

/** The tag every layer of drydock uses to start a sandbox from an image. */
export const imageRef = (name: ImageName) => `drydock/${name}:latest`;
