import type { Node } from 'web-tree-sitter';
import { languageOf, withTree } from './languages.js';

/** A place where the grammar could not parse the text. Lines and columns are 1-based. */
export interface SyntaxProblem {
  line: number;
  column: number;
  endLine: number;
  /** `error` for text the grammar could not place, `missing` for a token it had to invent (e.g. a `)`). */
  kind: 'error' | 'missing';
  /** The error's text, or the missing node's type, shortened. */
  text: string;
}

const MAX_PROBLEMS = 50;

/**
 * The syntax errors tree-sitter finds in a file, or null when no grammar
 * covers its language (then nothing can be said either way).
 */
export async function syntaxErrors(path: string, source: string): Promise<SyntaxProblem[] | null> {
  const language = languageOf(path);
  if (!language) return null;
  return withTree(language, source, (tree) => {
    const problems: SyntaxProblem[] = [];
    if (tree.rootNode.hasError) collect(tree.rootNode, problems);
    return problems;
  });
}

function collect(node: Node, out: SyntaxProblem[]): void {
  if (out.length >= MAX_PROBLEMS) return;
  if (node.isError || node.isMissing) {
    const text = node.isMissing ? node.type : node.text.replace(/\s+/g, ' ').slice(0, 60);
    out.push({
      line: node.startPosition.row + 1,
      column: node.startPosition.column + 1,
      endLine: node.endPosition.row + 1,
      kind: node.isMissing ? 'missing' : 'error',
      text,
    });
    if (node.isMissing) return;
  }
  for (const child of node.children) if (child && (child.hasError || child.isMissing)) collect(child, out);
}

export interface SyntaxCheck {
  /** False when the edit added error nodes; null when the language has no grammar here. */
  ok: boolean | null;
  before: number;
  after: number;
  /** The problems in the new text (all of them: positions shift, so which are new is by count). */
  problems: SyntaxProblem[];
}

/** Whether an edit introduced syntax errors: compares error counts before and after. */
export async function checkEditSyntax(path: string, before: string, after: string): Promise<SyntaxCheck> {
  const old = await syntaxErrors(path, before);
  const now = await syntaxErrors(path, after);
  if (old === null || now === null) return { ok: null, before: 0, after: 0, problems: [] };
  return { ok: now.length <= old.length, before: old.length, after: now.length, problems: now };
}
