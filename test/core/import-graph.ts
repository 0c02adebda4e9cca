import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';

/** One import of a src file: the specifier as written and the src file it resolves to (or null: a package). */
export interface SourceImport {
  specifier: string;
  target: string | null;
  typeOnly: boolean;
}

/** Every .ts file under `srcDir`, as a path relative to the repository root (`src/tools/tool.ts`). */
export function sourceFiles(root: string, srcDir = 'src'): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.ts')) out.push(relative(root, p));
    }
  };
  walk(resolve(root, srcDir));
  return out.sort();
}

/**
 * The imports of one file, read with TypeScript's own parser: `import`, `import type`,
 * `export … from`, `import()` and `require()`. Relative specifiers are resolved
 * the way NodeNext resolves them (`./x.js` → `./x.ts`).
 */
export function importsOf(root: string, file: string, known: Set<string>): SourceImport[] {
  const text = readFileSync(resolve(root, file), 'utf8');
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true);
  const out: SourceImport[] = [];
  const add = (spec: string, typeOnly: boolean) => {
    let target: string | null = null;
    if (spec.startsWith('.')) {
      const base = join(dirname(file), spec).replace(/\.js$/, '');
      for (const c of [`${base}.ts`, `${base}.d.ts`, join(base, 'index.ts')]) {
        if (known.has(c)) {
          target = c;
          break;
        }
      }
      if (!target) target = `${base}.ts`; // unresolved: still a src file, reported by the caller
    }
    out.push({ specifier: spec, target, typeOnly });
  };
  const visit = (node: ts.Node) => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      add(node.moduleSpecifier.text, node.importClause?.isTypeOnly ?? false);
    } else if (
      ts.isExportDeclaration(node) &&
      node.moduleSpecifier &&
      ts.isStringLiteral(node.moduleSpecifier)
    ) {
      add(node.moduleSpecifier.text, node.isTypeOnly);
    } else if (
      ts.isCallExpression(node) &&
      (node.expression.kind === ts.SyntaxKind.ImportKeyword ||
        (ts.isIdentifier(node.expression) && node.expression.text === 'require')) &&
      node.arguments[0] &&
      ts.isStringLiteralLike(node.arguments[0])
    ) {
      add(node.arguments[0].text, false);
    } else if (
      ts.isImportTypeNode(node) &&
      ts.isLiteralTypeNode(node.argument) &&
      ts.isStringLiteral(node.argument.literal)
    ) {
      add(node.argument.literal.text, true);
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return out;
}

/** The import graph of the src tree: file → the src files it imports. */
export function importGraph(root: string, srcDir = 'src'): Map<string, SourceImport[]> {
  const files = sourceFiles(root, srcDir);
  const known = new Set(files);
  return new Map(files.map((f) => [f, importsOf(root, f, known)]));
}

/** Strongly connected components with more than one file (or a file importing itself): the import cycles. */
export function importCycles(graph: Map<string, SourceImport[]>): string[][] {
  let index = 0;
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const out: string[][] = [];
  const edges = (f: string) =>
    (graph.get(f) ?? []).flatMap((i) => (i.target && graph.has(i.target) ? [i.target] : []));
  const strong = (v: string) => {
    idx.set(v, index);
    low.set(v, index);
    index++;
    stack.push(v);
    onStack.add(v);
    for (const w of edges(v)) {
      if (!idx.has(w)) {
        strong(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
    }
    if (low.get(v) === idx.get(v)) {
      const scc: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        scc.push(w);
      } while (w !== v);
      if (scc.length > 1 || edges(v).includes(v)) out.push(scc.sort());
    }
  };
  for (const f of graph.keys()) if (!idx.has(f)) strong(f);
  return out.sort((a, b) => a[0]!.localeCompare(b[0]!));
}

/** The layer of a src file: its first folder under src (`src/tools/tool.ts` → `tools`). */
export const layerOf = (file: string): string => file.split('/')[1] ?? '';

/**
 * Where a string, template or regular-expression literal contains `needle`, per file
 * (comments do not count: they are not literals).
 */
export function literalsContaining(root: string, files: string[], needle: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const file of files) {
    const text = readFileSync(resolve(root, file), 'utf8');
    if (!text.includes(needle)) continue;
    const sf = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true);
    let n = 0;
    const visit = (node: ts.Node) => {
      if (
        (ts.isStringLiteralLike(node) ||
          ts.isTemplateHead(node) ||
          ts.isTemplateMiddle(node) ||
          ts.isTemplateTail(node) ||
          ts.isRegularExpressionLiteral(node)) &&
        node.getText(sf).includes(needle)
      )
        n++;
      ts.forEachChild(node, visit);
    };
    visit(sf);
    if (n > 0) out.set(file, n);
  }
  return out;
}
