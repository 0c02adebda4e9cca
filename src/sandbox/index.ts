export { detectCgroupHost, type CgroupHost } from './cgroup-host.js';
export {
  APT_LOG,
  DOCKERD_LOG,
  dockerClient,
  engineAddress,
  ensureEngine,
  pingEngine,
  type EngineInfo,
  type EnsureEngineOptions,
} from './engine.js';
export {
  buildImages,
  HOST_CA_DIR,
  IMAGE_NAMES,
  imageRef,
  imageStatuses,
  readCaCerts,
  type BaseSource,
  type ImageName,
  type ImageOptions,
  type ImageStatus,
} from './images.js';
