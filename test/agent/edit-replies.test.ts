import { describe, expect, it } from 'vitest';
import { RunContext, repair, type FixOptions } from '../../src/agent/index.js';
import type { Prepared } from '../../src/agent/prepare.js';
import { scripted } from '../model/helpers.js';

const OPS = 'def mean(values):\n    return sum(values) / (len(values) - 1)\n';
const set = [{ path: 'calc/ops.py', start: 2, end: 2 }];
const prepared = { files: [{ path: 'calc/ops.py', source: OPS }] } as unknown as Prepared;
const head = 'calc/ops.py\n<<<<<<< SEARCH\n    return sum(values) / (len(values) - 1)\n=======\n';
const tail = '    return sum(values) / len(values)\n>>>>>>> REPLACE\n';

function context(client: Awaited<ReturnType<typeof scripted>>['client']) {
  const events: Record<string, unknown>[] = [];
  const opts = {
    repo: '/nonexistent',
    issue: 'mean divides by n-1',
    model: client,
    budget: client.budget,
    scripted: true,
    candidates: 1,
    trajectory: { append: (e: Record<string, unknown>) => events.push(e) },
  } as unknown as FixOptions;
  return { ctx: new RunContext(opts), events };
}

describe('repair replies as real endpoints send them (SCRIPTED model)', () => {
  it('continues a reply cut off by the output limit instead of using it as is', async () => {
    const m = await scripted({
      turns: [
        { content: `Fix:\n${head}    return sum(val`, finish_reason: 'length' },
        { match: 'cut off', content: 'ues) / len(values)\n>>>>>>> REPLACE\n' },
      ],
    });
    try {
      const { ctx, events } = context(m.client);
      const [c] = await repair(ctx, prepared, [set]);
      expect(c!.rejected).toBeNull();
      expect(c!.files[0]!.after).toContain('return sum(values) / len(values)\n');
      expect(m.server.requests).toHaveLength(2);
      expect(JSON.stringify(events)).toContain('finish_reason: length');
    } finally {
      await m.close();
    }
  });

  it('rejects a reply still cut off after the follow-ups, never keeping its complete blocks', async () => {
    const complete = `calc/ops.py\n<<<<<<< SEARCH\ndef mean(values):\n=======\ndef mean(values, ddof=0):\n>>>>>>> REPLACE\n`;
    const m = await scripted({
      turns: [{ content: `${complete}\n${head}    return`, finish_reason: 'length', repeat: true }],
    });
    try {
      const { ctx } = context(m.client);
      const [c] = await repair(ctx, prepared, [set]);
      expect(c!.rejected).toMatch(/cut off/);
      expect(c!.files).toEqual([]);
      expect(m.server.requests).toHaveLength(3); // the sample and two follow-ups, then it stops
    } finally {
      await m.close();
    }
  });

  it('sends unreadable edit blocks back quoting the lines, and uses the answer to that', async () => {
    const twoDividers = `${head}    x = 1\n=======\n${tail}`;
    const m = await scripted({
      turns: [{ content: twoDividers }, { match: 'could not be read', content: `${head}${tail}` }],
    });
    try {
      const { ctx } = context(m.client);
      const [c] = await repair(ctx, prepared, [set]);
      expect(c!.rejected).toBeNull();
      const followUp = m.server.requests[1]!.body.messages!.at(-1)!.content as string;
      expect(followUp).toContain('more than one =======');
      expect(followUp).toContain('   6 | =======');
    } finally {
      await m.close();
    }
  });
});
