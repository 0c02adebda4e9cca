import { createRequire } from 'node:module';
import { Language, Parser } from 'web-tree-sitter';
import { DrydockError } from '../core/index.js';

let loading: Promise<Parser> | null = null;

/**
 * The tree-sitter-bash parser (WASM, no native build). Loaded once per process;
 * every caller awaits the same promise.
 */
export function loadShellParser(): Promise<Parser> {
  if (!loading) {
    loading = (async () => {
      const require = createRequire(import.meta.url);
      let wasm: string;
      try {
        wasm = require.resolve('tree-sitter-bash/tree-sitter-bash.wasm');
      } catch {
        throw new DrydockError(
          'the tree-sitter-bash grammar (tree-sitter-bash.wasm) is not installed.',
          'run `npm install` in the drydock package.',
          'POLICY_GRAMMAR_MISSING',
        );
      }
      await Parser.init();
      const language = await Language.load(wasm);
      const parser = new Parser();
      parser.setLanguage(language);
      return parser;
    })();
    loading.catch(() => {
      loading = null;
    });
  }
  return loading;
}

let loadingCode: Promise<{ python: Parser; javascript: Parser; typescript: Parser }> | null = null;

/**
 * tree-sitter Python, JavaScript and TypeScript parsers for inline code (`python -c`,
 * `node -e`, `ts-node -e`), loaded once.
 */
export function loadCodeParsers(): Promise<{ python: Parser; javascript: Parser; typescript: Parser }> {
  if (!loadingCode) {
    loadingCode = (async () => {
      await loadShellParser(); // Parser.init()
      const require = createRequire(import.meta.url);
      const load = async (pkg: string) => {
        let wasm: string;
        try {
          wasm = require.resolve(`${pkg}/${pkg}.wasm`);
        } catch {
          throw new DrydockError(
            `the ${pkg} grammar (${pkg}.wasm) is not installed.`,
            'run `npm install` in the drydock package.',
            'POLICY_GRAMMAR_MISSING',
          );
        }
        const parser = new Parser();
        parser.setLanguage(await Language.load(wasm));
        return parser;
      };
      return {
        python: await load('tree-sitter-python'),
        javascript: await load('tree-sitter-javascript'),
        typescript: await load('tree-sitter-typescript'),
      };
    })();
    loadingCode.catch(() => {
      loadingCode = null;
    });
  }
  return loadingCode;
}
