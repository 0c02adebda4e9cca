import { createInterface } from 'node:readline';
import type { ApprovalAnswer, ApprovalRequest, Approver } from '../policy/index.js';

const ANSWERS: Record<string, ApprovalAnswer> = {
  o: 'once',
  once: 'once',
  r: 'run',
  run: 'run',
  d: 'deny',
  deny: 'deny',
  n: 'deny',
  no: 'deny',
};

/** The question as the person sees it: the whole action, each part that asks with its rule and reason. */
export function approvalQuestion(req: ApprovalRequest): string {
  const lines = [
    '',
    'drydock: the policy asks before the model may run this:',
    `  ${cut(req.command, 2000)}`,
  ];
  const asking = req.asking.length
    ? req.asking
    : [{ part: req.command, rule: req.decision.rule, reason: req.decision.reason }];
  for (const p of asking)
    lines.push(`  part \`${cut(p.part, 200)}\`: rule ${p.rule} asks: ${cut(p.reason, 400)}`);
  lines.push(
    `  [o] allow once   [r] allow for the rest of this run (rule ${req.rules.join(', ')}, this same finding)   [d] deny`,
  );
  return `${lines.join('\n')}\n`;
}

function cut(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}… (${text.length} characters)` : text;
}

/**
 * Whether a person can answer: stdin is a terminal and neither `--unattended` nor `--yes` was
 * given. Otherwise the engine turns every `ask` into a `deny` that names the rule.
 */
export function isAttended(
  flags: { unattended?: boolean; yes?: boolean },
  stdin: { isTTY?: boolean } = process.stdin,
): boolean {
  return !flags.unattended && !flags.yes && stdin.isTTY === true;
}

/**
 * Asks the person at the terminal (stdin a TTY, the question on stderr, so stdout keeps only
 * the result). An answer it does not know is asked again; end of input denies.
 */
export function terminalApprover(
  input: NodeJS.ReadableStream = process.stdin,
  output: NodeJS.WritableStream = process.stderr,
): Approver {
  return (req) =>
    new Promise<ApprovalAnswer>((resolve) => {
      output.write(approvalQuestion(req));
      const rl = createInterface({ input, output, terminal: false });
      let settled = false;
      const done = (a: ApprovalAnswer) => {
        if (settled) return;
        settled = true;
        rl.close();
        output.write(
          `drydock: ${a === 'once' ? 'allowed once' : a === 'run' ? `allowed rule ${req.rules.join(', ')} for this run` : 'denied'}\n`,
        );
        resolve(a);
      };
      const prompt = () => output.write('answer (o/r/d): ');
      rl.on('line', (line) => {
        const a = ANSWERS[line.trim().toLowerCase()];
        if (a) done(a);
        else prompt();
      });
      rl.on('close', () => done('deny'));
      prompt();
    });
}
