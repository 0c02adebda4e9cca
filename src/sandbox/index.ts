export { detectCgroupHost, type CgroupHost } from './cgroup-host.js';
