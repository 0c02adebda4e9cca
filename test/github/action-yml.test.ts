import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { readInputs } from '../../src/github/index.js';

/** action.yml and the example workflow agree with the code: inputs, outputs, pins, permissions. */
const root = new URL('../../', import.meta.url);
interface Step {
  id?: string;
  uses?: string;
  run?: string;
  if?: string;
  env?: Record<string, string>;
  with?: Record<string, string>;
}
const action = parse(readFileSync(new URL('action.yml', root), 'utf8')) as {
  inputs: Record<string, { default?: string }>;
  outputs: Record<string, { value: string }>;
  runs: { using: string; steps: Step[] };
};
const workflow = parse(readFileSync(new URL('examples/github-workflow.yml', root), 'utf8')) as {
  on: Record<string, unknown>;
  jobs: Record<string, { permissions: Record<string, string>; steps: Step[] }>;
};

describe('action.yml', () => {
  it('is a composite action whose third-party actions are pinned by commit SHA', () => {
    expect(action.runs.using).toBe('composite');
    const uses = action.runs.steps.filter((s) => s.uses).map((s) => s.uses!);
    expect(uses.length).toBeGreaterThanOrEqual(2);
    for (const u of uses) expect(u).toMatch(/^[\w-]+\/[\w-]+@[0-9a-f]{40}$/);
  });

  it('passes every input to the run step, and the code reads each one', () => {
    const run = action.runs.steps.find((s) => s.id === 'run')!;
    const env: Record<string, string> = {};
    for (const name of Object.keys(action.inputs)) {
      if (name === 'github-token') {
        expect(run.env!.GITHUB_TOKEN).toBe('${{ inputs.github-token }}');
        continue;
      }
      const key = `INPUT_${name.toUpperCase().replace(/-/g, '_')}`;
      expect(run.env![key], `input ${name}`).toBe(`\${{ inputs.${name} }}`);
      env[key] =
        action.inputs[name]!.default ||
        (name === 'allow-users'
          ? 'a,b'
          : name.includes('cost') ||
              name === 'candidates' ||
              name.startsWith('timeout') ||
              name === 'max-turns'
            ? '7'
            : `v-${name}`);
    }
    const read = readInputs(env);
    expect(read).toMatchObject({
      label: 'drydock',
      allowUsers: ['a', 'b'],
      model: 'v-model',
      baseUrl: 'v-base-url',
      apiKey: 'v-api-key',
      policy: 'v-policy',
      script: 'v-script',
      maxCost: 2,
      candidates: 3,
      timeoutMinutes: 30,
      maxTurns: 7,
      tools: 'default',
      triggers: { label: 'drydock', phrase: '/drydock', mention: 'v-mention', assignee: 'v-assignee' },
    });
  });

  it('the check step sees every trigger input, so it decides as the run step does', () => {
    const check = action.runs.steps.find((s) => s.id === 'check')!;
    for (const name of ['label', 'trigger-phrase', 'mention', 'assignee', 'allow-users'])
      expect(check.env![`INPUT_${name.toUpperCase().replace(/-/g, '_')}`], name).toBe(
        `\${{ inputs.${name} }}`,
      );
  });

  it('the API key goes to the run step only, never a command line', () => {
    for (const s of action.runs.steps) {
      if (s.id !== 'run') expect(JSON.stringify(s)).not.toContain('inputs.api-key');
      expect(s.run ?? '').not.toContain('api-key');
    }
  });

  it('outputs come from the run step and name what the code writes', () => {
    expect(Object.keys(action.outputs).sort()).toEqual(['branch', 'cost', 'pull-request-url', 'resolved']);
    for (const [k, v] of Object.entries(action.outputs))
      expect(v.value).toBe(`\${{ steps.run.outputs.${k} }}`);
  });

  it('setup and the run happen only after the check allows them', () => {
    for (const s of action.runs.steps.filter((s) => /drydock.js" (setup|github run --out)/.test(s.run ?? '')))
      expect(s.if).toBe("steps.check.outputs.allowed == 'true'");
    expect(action.runs.steps.find((s) => /drydock.js" setup/.test(s.run ?? ''))!.run).toContain(
      '--base-source registry',
    );
  });
});

describe('examples/github-workflow.yml', () => {
  const job = Object.values(workflow.jobs)[0]!;
  it('triggers on labelled or assigned issues, new comments, review comments and submitted reviews only', () => {
    expect(workflow.on).toEqual({
      issues: { types: ['labeled', 'assigned'] },
      issue_comment: { types: ['created'] },
      pull_request_review_comment: { types: ['created'] },
      pull_request_review: { types: ['submitted'] },
    });
  });
  it('has a concurrency group per issue or pull request, so a second trigger does not pile up', () => {
    const c = (workflow as unknown as { concurrency: { group: string; 'cancel-in-progress': boolean } })
      .concurrency;
    expect(c.group).toBe('drydock-${{ github.event.issue.number || github.event.pull_request.number }}');
    expect(c['cancel-in-progress']).toBe(false);
  });
  it('asks for exactly the permissions the action needs', () => {
    expect(job.permissions).toEqual({ contents: 'write', issues: 'write', 'pull-requests': 'write' });
  });
  it('checks out without persisting the token, pins actions, and uses only real inputs', () => {
    const checkout = job.steps.find((s) => s.uses?.startsWith('actions/checkout@'))!;
    expect(checkout.uses).toMatch(/@[0-9a-f]{40}$/);
    expect(checkout.with!['persist-credentials']).toBe(false);
    const drydock = job.steps.find((s) => s.id === 'drydock')!;
    for (const k of Object.keys(drydock.with!)) expect(Object.keys(action.inputs)).toContain(k);
    expect(drydock.with!['api-key']).toBe('${{ secrets.DRYDOCK_API_KEY }}');
  });
});
