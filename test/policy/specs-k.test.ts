import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { probeEngine } from './probe-engine.js';

/**
 * Issue 14, JavaScript and TypeScript tools allowed by name by rule build-and-test with no spec
 * (helper specsK, 5 Dec 2026): biome, oxlint, stylelint, knip, babel, c8, nyc, corepack,
 * markdownlint, markdownlint-cli2, commitlint, tslint, ava, depcheck and size-limit now have specs
 * in policies/programs.yaml, so an option they do not know asks and what they rewrite (`--write`,
 * `--fix`) or write (`-o`, `-d`, report and cache directories) is a file part decided as a
 * redirection is. `c8 report`, `nyc instrument src out` and `corepack use pnpm@9` are the
 * program's own commands (wrappers' `subcommands`), not a command run under it, and `corepack pnpm
 * …` is decided as `pnpm …`. The probe lines (test/fixtures/policy/specs-k/, with their sources)
 * were decided on main 702310d first: held-out figures in src/policy/README.md, "Measured".
 */
const { expectAll, check } = probeEngine();

function lines(name: string): string[] {
  const text = readFileSync(new URL(`../fixtures/policy/specs-k/${name}`, import.meta.url), 'utf8');
  return text.split('\n').filter((l) => l.trim() !== '' && !l.startsWith('#'));
}

describe('specsK: JavaScript and TypeScript tools', () => {
  it('everyday invocations from the tools’ docs stay allowed', () => {
    expectAll(lines('k-benign.txt'), 'allow');
  });
  it('package.json scripts and hooks found in public repositories stay allowed', () => {
    expectAll(lines('k-benign-real.txt'), 'allow');
  });
  it('writes outside the workspace or into .git, code from elsewhere and unknown options are refused', () => {
    expectAll(lines('k-dangerous.txt'), 'refused');
    expectAll(lines('k-dangerous-2.txt'), 'refused');
  });
  it('names the spec that refused', () => {
    expect(check('biome check --write .git/hooks').rule).toBe('program:biome');
    expect(check('babel src -d .git/hooks').rule).toBe('program:babel');
    expect(check('stylelint --whatever "**/*.css"').rule).toBe('program:stylelint');
    expect(check('nyc instrument src /srv/out').rule).toBe('program:nyc');
  });
  it('oxlint’s --import-plugin turns on built-in rules: a flag, not code', () => {
    expect(check('oxlint --import-plugin src').decision).toBe('allow');
    expect(check('oxlint --import-plugin -c /srv/x/.oxlintrc.json').decision).not.toBe('allow');
  });
  it('a wrapper’s own commands run nothing; the command it wraps is decided as its own', () => {
    expectAll(['c8 report --reporter=lcov', 'nyc check-coverage --lines 90', 'corepack use pnpm@9'], 'allow');
    expect(check('corepack pnpm dlx user/repo').decision).not.toBe('allow');
    expect(check('c8 bash -c "rm -rf ~/.ssh"').decision).not.toBe('allow');
  });
  it('framework CLIs (astro, storybook, parcel, svelte-kit, svelte-check, vue-cli-service, gatsby, karma)', () => {
    expectAll(lines('k2-benign.txt'), 'allow');
    expectAll(lines('k2-dangerous.txt'), 'refused');
    expectAll(lines('k2-dangerous-2.txt'), 'refused');
    expect(check('astro dev --host 0.0.0.0').rule).toBe('program:astro');
  });
  it('a bare `--no` (npx’s `--yes=false`) abbreviates no option', () => {
    expect(check('npx --no -- commitlint --edit "$1"').decision).toBe('allow');
    expect(check("npx --node-options='--require /root/x.js' jest").decision).not.toBe('allow');
    expect(check('npx --node-opt=--inspect jest').decision).not.toBe('allow');
  });
});
