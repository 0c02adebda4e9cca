import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { DrydockError } from './errors.js';

/**
 * Prompts live in `prompts/*.md` at the package root, not in code. A template is plain text
 * with `{{name}}` placeholders; rendering with a missing value is an error, never an empty hole.
 * src/core and dist/core sit at the same depth, so one relative path serves both.
 */
export const DEFAULT_PROMPTS_DIR = fileURLToPath(new URL('../../prompts/', import.meta.url));

const cache = new Map<string, string>();

export function loadPromptTemplate(name: string, dir: string = DEFAULT_PROMPTS_DIR): string {
  if (!/^[a-z0-9][a-z0-9/-]*$/.test(name))
    throw new DrydockError(
      `bad prompt name "${name}"`,
      'use lower-case words, dashes and slashes',
      'PROMPT_NAME',
    );
  const path = join(dir, `${name}.md`);
  const cached = cache.get(path);
  if (cached !== undefined) return cached;
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new DrydockError(
      `prompt template ${path} is missing`,
      'reinstall drydock, or restore the file under prompts/',
      'PROMPT_MISSING',
    );
  }
  // Files end with a newline for editors; the prompt itself should not.
  text = text.replace(/\n$/, '');
  cache.set(path, text);
  return text;
}

/** Fills `{{name}}` placeholders. Pure. `{{{{` writes a literal `{{`. */
export function renderTemplate(
  template: string,
  vars: Record<string, string | number>,
  name = 'template',
): string {
  const missing = new Set<string>();
  const out = template.replace(/\{\{\{\{|\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g, (whole, key?: string) => {
    if (key === undefined) return '{{';
    const value = vars[key];
    if (value === undefined) {
      missing.add(key);
      return whole;
    }
    return String(value);
  });
  if (missing.size > 0)
    throw new DrydockError(
      `prompt ${name} needs ${[...missing].map((k) => `{{${k}}}`).join(', ')} but was not given it`,
      'this is a drydock bug: the caller must pass every placeholder',
      'PROMPT_VARIABLE_MISSING',
    );
  return out;
}

export function renderPrompt(
  name: string,
  vars: Record<string, string | number> = {},
  dir: string = DEFAULT_PROMPTS_DIR,
): string {
  return renderTemplate(loadPromptTemplate(name, dir), vars, name);
}
