import { describe, expect, it } from 'vitest';
import { globMatch, globsIntersect, resolvePath } from '../../src/policy/glob.js';

describe('globs', () => {
  it('matches paths: * stays in a segment, ** crosses them, dir/** includes dir', () => {
    expect(globMatch('/root/.ssh/*', '/root/.ssh/id_rsa')).toBe(true);
    expect(globMatch('/root/*', '/root/.ssh/id_rsa')).toBe(false);
    expect(globMatch('**/.env', '/testbed/app/.env')).toBe(true);
    expect(globMatch('/root/.aws/**', '/root/.aws')).toBe(true);
    expect(globMatch('/root/.aws/**', '/root/.awsx')).toBe(false);
  });

  it('knows when an argument glob may name a protected path', () => {
    expect(globsIntersect('/root/.ssh/**', '/root/.ss*/id*')).toBe(true);
    expect(globsIntersect('**/*.pem', '/testbed/src/*.py')).toBe(false);
    // The shell's * skips dot files, so `rm -rf *` does not reach .git or .env.
    expect(globsIntersect('**/.git', '/testbed/*')).toBe(false);
    expect(globsIntersect('**/.git', '/testbed/.*')).toBe(true);
    expect(globsIntersect('**/.env', '/testbed/src/**/*.py')).toBe(false);
  });

  it('resolves ~, ~user, relative paths and ..', () => {
    expect(resolvePath('~/x', '/testbed', '/root')).toBe('/root/x');
    expect(resolvePath('~bob/x', '/testbed', '/root')).toBe('/home/bob/x');
    expect(resolvePath('../../etc', '/testbed/a', '/root')).toBe('/etc');
  });
});
