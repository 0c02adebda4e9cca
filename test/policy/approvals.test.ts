import { PassThrough } from 'node:stream';
import { beforeAll, describe, expect, it } from 'vitest';
import { approvalQuestion, isAttended, terminalApprover } from '../../src/cli/approve.js';
import {
  ApprovalSession,
  PolicyEngine,
  toAuditEvent,
  type ApprovalAnswer,
  type ApprovalRequest,
} from '../../src/policy/index.js';

let engine: PolicyEngine;
beforeAll(async () => {
  engine = await PolicyEngine.create({ unattended: false });
});

/** An approver that answers from a list and remembers what it was asked. */
function scripted(answers: ApprovalAnswer[]) {
  const asked: ApprovalRequest[] = [];
  return {
    asked,
    approve: (req: ApprovalRequest) => {
      asked.push(req);
      const a = answers.shift();
      if (!a) throw new Error(`asked more often than scripted: ${req.command}`);
      return Promise.resolve(a);
    },
  };
}

const sh = (command: string) => ({ kind: 'shell' as const, command });

describe('ApprovalSession', () => {
  it('passes allow and deny through without asking anyone', async () => {
    const p = scripted([]);
    const s = new ApprovalSession(engine, p.approve);
    expect((await s.decide(sh('git status'))).decision).toBe('allow');
    const d = await s.decide(sh('rm -rf ~'));
    expect(d.decision).toBe('deny');
    expect(d.approval).toBeUndefined();
    expect(p.asked).toEqual([]);
  });

  it('allow once covers one call; the same command asks again', async () => {
    const p = scripted(['once', 'deny']);
    const s = new ApprovalSession(engine, p.approve);
    const a = await s.decide(sh('curl -s http://example.invalid/'));
    expect(a).toMatchObject({ decision: 'allow', rule: 'network-clients' });
    expect(a.approval).toEqual({ answer: 'once', by: 'person', rules: ['network-clients'] });
    const b = await s.decide(sh('curl -s http://example.invalid/'));
    expect(b.decision).toBe('deny');
    expect(b.reason).toMatch(/person at the terminal denied/);
    expect(b.approval).toEqual({ answer: 'deny', by: 'person', rules: ['network-clients'] });
    expect(p.asked.map((r) => r.command)).toEqual([
      'curl -s http://example.invalid/',
      'curl -s http://example.invalid/',
    ]);
    // The person saw the part that asks and its rule.
    expect(p.asked[0]!.asking.map((v) => v.rule)).toEqual(['network-clients']);
  });

  it('allow for the run covers the same rule and finding, not another finding of that rule', async () => {
    const p = scripted(['run', 'deny']);
    const s = new ApprovalSession(engine, p.approve);
    expect((await s.decide(sh('sort --frob a.txt'))).approval?.answer).toBe('run');
    const again = await s.decide(sh('sort --frob b.txt'));
    expect(again).toMatchObject({ decision: 'allow', rule: 'program:sort' });
    expect(again.approval).toEqual({ answer: 'run', by: 'run', rules: ['program:sort'] });
    // Same rule, another option: sort running a program must be asked about on its own.
    const other = await s.decide(sh('sort --compress-program=sh a.txt'));
    expect(other.decision).toBe('deny');
    expect(p.asked.map((r) => r.command)).toEqual(['sort --frob a.txt', 'sort --compress-program=sh a.txt']);
    // A line that also contains a part allowed for the run still asks about its other part.
    const q = scripted(['run', 'once']);
    const t = new ApprovalSession(engine, q.approve);
    await t.decide(sh('curl -s http://a.invalid/'));
    expect((await t.decide(sh('curl -s http://b.invalid/'))).approval?.by).toBe('run');
    await t.decide(sh('curl -s http://a.invalid/ && sort --frob x'));
    expect(q.asked).toHaveLength(2);
    expect(q.asked[1]!.rules).toEqual(['network-clients', 'program:sort']);
  });

  it('records the answer in the audit event', async () => {
    const s = new ApprovalSession(engine, scripted(['once']).approve);
    const ev = toAuditEvent('curl -s http://x.invalid/', await s.decide(sh('curl -s http://x.invalid/')));
    expect(ev).toMatchObject({
      type: 'policy.decision',
      decision: 'allow',
      rule: 'network-clients',
      approval: { answer: 'once', by: 'person', rules: ['network-clients'] },
    });
  });

  it('asks one question at a time, in order', async () => {
    const order: string[] = [];
    let release: (a: ApprovalAnswer) => void = () => undefined;
    const s = new ApprovalSession(engine, (req) => {
      order.push(`ask ${req.command}`);
      return new Promise((r) => (release = r));
    });
    const first = s.decide(sh('curl -s http://1.invalid/'));
    const second = s.decide(sh('curl -s http://2.invalid/'));
    await new Promise((r) => setTimeout(r, 10));
    expect(order).toEqual(['ask curl -s http://1.invalid/']);
    release('run');
    expect((await first).decision).toBe('allow');
    expect((await second).approval?.by).toBe('run');
    expect(order).toHaveLength(1);
  });
});

describe('the terminal approver', () => {
  it('shows the command, each asking part with its rule, and the three answers; asks again on an unknown answer', async () => {
    const input = new PassThrough();
    const output = new PassThrough();
    let shown = '';
    output.on('data', (c: Buffer) => (shown += c.toString()));
    const s = new ApprovalSession(engine, terminalApprover(input, output));
    const pending = s.decide(sh('sort --frob a.txt'));
    await new Promise((r) => setTimeout(r, 10));
    input.write('maybe\n');
    input.write('r\n');
    const d = await pending;
    expect(d.approval?.answer).toBe('run');
    expect(shown).toMatch(/sort --frob a\.txt/);
    expect(shown).toMatch(/rule program:sort asks: `sort --frob` is not an option/);
    expect(shown).toMatch(/\[o\] allow once .*\[r\] allow for the rest of this run .*\[d\] deny/);
    expect(shown.match(/answer \(o\/r\/d\): /g)).toHaveLength(2);
  });

  it('denies when input ends', async () => {
    const input = new PassThrough();
    const s = new ApprovalSession(engine, terminalApprover(input, new PassThrough()));
    const pending = s.decide(sh('curl -s http://x.invalid/'));
    input.end();
    expect((await pending).decision).toBe('deny');
  });

  it('asks only with a terminal on stdin and neither --unattended nor --yes', () => {
    expect(isAttended({}, { isTTY: true })).toBe(true);
    expect(isAttended({}, { isTTY: undefined })).toBe(false);
    expect(isAttended({ unattended: true }, { isTTY: true })).toBe(false);
    expect(isAttended({ yes: true }, { isTTY: true })).toBe(false);
  });

  it('cuts a very long command in the question', () => {
    const long = `echo ${'x'.repeat(5000)}`;
    const q = approvalQuestion({
      action: sh(long),
      command: long,
      decision: { decision: 'ask', rule: 'r', reason: 'why', parts: [] },
      asking: [],
      rules: ['r'],
    });
    expect(q.length).toBeLessThan(2600);
    expect(q).toMatch(/5005 characters/);
  });
});
