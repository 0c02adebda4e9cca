import { createRequire } from 'node:module';
import { Language, Parser, type Tree } from 'web-tree-sitter';

/** The languages parsed with tree-sitter; every other file is plain text. */
export type ParsedLanguage = 'python' | 'javascript' | 'typescript' | 'tsx';

const EXTENSIONS: Record<string, ParsedLanguage> = {
  '.py': 'python',
  '.pyi': 'python',
  '.js': 'javascript',
  '.mjs': 'javascript',
  '.cjs': 'javascript',
  '.jsx': 'javascript',
  '.ts': 'typescript',
  '.mts': 'typescript',
  '.cts': 'typescript',
  '.tsx': 'tsx',
};

const GRAMMARS: Record<ParsedLanguage, string> = {
  python: 'tree-sitter-python/tree-sitter-python.wasm',
  javascript: 'tree-sitter-javascript/tree-sitter-javascript.wasm',
  typescript: 'tree-sitter-typescript/tree-sitter-typescript.wasm',
  tsx: 'tree-sitter-typescript/tree-sitter-tsx.wasm',
};

/** The language of a path by its extension, or null for plain text. */
export function languageOf(path: string): ParsedLanguage | null {
  const dot = path.lastIndexOf('.');
  if (dot < 0 || dot < path.lastIndexOf('/')) return null;
  return EXTENSIONS[path.slice(dot).toLowerCase()] ?? null;
}

export interface LoadedGrammar {
  language: Language;
  parser: Parser;
}

let runtime: Promise<void> | null = null;
const grammars = new Map<ParsedLanguage, Promise<LoadedGrammar>>();

/** Loads one grammar (and the runtime) once per process or thread. */
export function loadGrammar(language: ParsedLanguage): Promise<LoadedGrammar> {
  let grammar = grammars.get(language);
  if (!grammar) {
    grammar = (async () => {
      runtime ??= Parser.init();
      await runtime;
      const wasm = createRequire(import.meta.url).resolve(GRAMMARS[language]);
      const loaded = await Language.load(wasm);
      const parser = new Parser();
      parser.setLanguage(loaded);
      return { language: loaded, parser };
    })();
    grammars.set(language, grammar);
  }
  return grammar;
}

/**
 * Loads the runtime and the given grammars (default: all four). Every async
 * function of this layer loads what it needs, so callers never have to;
 * calling it early only moves the cost.
 */
export async function loadGrammars(
  languages: readonly ParsedLanguage[] = Object.keys(GRAMMARS) as ParsedLanguage[],
): Promise<Map<ParsedLanguage, LoadedGrammar>> {
  const loaded = new Map<ParsedLanguage, LoadedGrammar>();
  for (const language of languages) loaded.set(language, await loadGrammar(language));
  return loaded;
}

/**
 * Parses `source` and hands the tree to `use`, deleting it afterwards:
 * trees live in wasm memory, which the garbage collector does not see.
 */
export async function withTree<T>(
  language: ParsedLanguage,
  source: string,
  use: (tree: Tree, grammar: LoadedGrammar) => T,
): Promise<T> {
  return parseWith(await loadGrammar(language), source, use);
}

/** The synchronous half of withTree, for loops that already hold the grammars. */
export function parseWith<T>(
  grammar: LoadedGrammar,
  source: string,
  use: (tree: Tree, grammar: LoadedGrammar) => T,
): T {
  const tree = grammar.parser.parse(source);
  if (!tree) throw new Error('tree-sitter returned no tree');
  try {
    return use(tree, grammar);
  } finally {
    tree.delete();
  }
}
