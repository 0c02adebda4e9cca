import { describe, expect, it } from 'vitest';
import { renderPrompt, renderTemplate } from '../../src/core/index.js';

describe('prompt templates', () => {
  it('fills placeholders and refuses to leave one empty', () => {
    expect(renderTemplate('a {{x}} b {{ y }} {{{{z}}', { x: 1, y: 'two' })).toBe('a 1 b two {{z}}');
    expect(() => renderTemplate('{{x}} {{gone}}', { x: 1 }, 't')).toThrow(/prompt t needs \{\{gone\}\}/);
  });

  it('loads prompts from files under prompts/', () => {
    expect(renderPrompt('model-check')).toMatch(/single word: ok$/);
    expect(() => renderPrompt('no-such-prompt')).toThrow(/prompt template .*no-such-prompt\.md is missing/);
    expect(() => renderPrompt('../etc/passwd')).toThrow(/bad prompt name/);
  });
});
