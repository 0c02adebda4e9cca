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

let loading: Promise<Map<ParsedLanguage, LoadedGrammar>> | null = null;

/**
 * Loads the runtime and all four grammars once per process. Every async
 * function of this layer awaits it, so callers never need to; calling it
 * early only moves the cost.
 */
export function loadGrammars(): Promise<Map<ParsedLanguage, LoadedGrammar>> {
  loading ??= (async () => {
    const require = createRequire(import.meta.url);
    await Parser.init();
    const loaded = new Map<ParsedLanguage, LoadedGrammar>();
    for (const [name, file] of Object.entries(GRAMMARS) as [ParsedLanguage, string][]) {
      const language = await Language.load(require.resolve(file));
      const parser = new Parser();
      parser.setLanguage(language);
      loaded.set(name, { language, parser });
    }
    return loaded;
  })();
  return loading;
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
  const grammar = (await loadGrammars()).get(language);
  if (!grammar) throw new Error(`grammar ${language} did not load`);
  return parseWith(grammar, source, use);
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
