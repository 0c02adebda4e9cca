import { Query, type Node, type Tree } from 'web-tree-sitter';
import type { LoadedGrammar, ParsedLanguage } from './languages.js';

export type SymbolKind = 'class' | 'function' | 'method' | 'interface' | 'type' | 'enum';

/** A definition found by the grammar. Lines are 1-based and inclusive. */
export interface CodeSymbol {
  name: string;
  /** Enclosing symbols joined with dots: `Foo.bar`. */
  qualifiedName: string;
  kind: SymbolKind;
  startLine: number;
  endLine: number;
  /** The header up to its body, on one line: `def bar(self, x) -> int:`. */
  signature: string;
  /** The first line of its docstring or leading doc comment, if any. */
  doc?: string;
  /** How many symbols enclose it. */
  depth: number;
}

const JS_QUERY = `
(class_declaration name: (_)) @class
(class name: (_)) @class
(function_declaration name: (identifier)) @function
(generator_function_declaration name: (identifier)) @function
(method_definition name: (_)) @method
(variable_declarator name: (identifier) value: [(arrow_function) (function_expression)]) @function
(assignment_expression left: (member_expression property: (property_identifier)) right: [(arrow_function) (function_expression)]) @function
(pair key: (property_identifier) value: [(arrow_function) (function_expression)]) @function
`;

const TS_EXTRA = `
(abstract_class_declaration name: (_)) @class
(interface_declaration name: (_)) @interface
(type_alias_declaration name: (_)) @type
(enum_declaration name: (_)) @enum
(abstract_method_signature name: (_)) @method
`;

const QUERIES: Record<ParsedLanguage, string> = {
  python: '', // walked, see pythonDefinitions
  javascript: JS_QUERY,
  typescript: JS_QUERY + TS_EXTRA,
  tsx: JS_QUERY + TS_EXTRA,
};

const compiled = new WeakMap<LoadedGrammar, Query>();

function queryFor(grammar: LoadedGrammar, language: ParsedLanguage): Query {
  let query = compiled.get(grammar);
  if (!query) {
    query = new Query(grammar.language, QUERIES[language]);
    compiled.set(grammar, query);
  }
  return query;
}

const BODY_FIELDS = ['body', 'value', 'right'];
const MAX_SIGNATURE = 200;

/** The definitions in a parsed file, in source order, each with its nesting. */
export function extractSymbols(
  tree: Tree,
  grammar: LoadedGrammar,
  language: ParsedLanguage,
  source: string,
): CodeSymbol[] {
  const found: { node: Node; name: string; kind: SymbolKind }[] = [];
  const definitions =
    language === 'python' ? pythonDefinitions(tree) : queryDefinitions(tree, grammar, language);
  for (const { node, kind } of definitions) {
    const name = nameOf(node);
    if (name) found.push({ node, name, kind });
  }
  found.sort((a, b) => a.node.startIndex - b.node.startIndex || b.node.endIndex - a.node.endIndex);

  const symbols: CodeSymbol[] = [];
  const stack: { end: number; symbol: CodeSymbol }[] = [];
  let lastStart = -1;
  for (const { node, name, kind } of found) {
    if (node.startIndex === lastStart) continue; // one node matched by two patterns
    lastStart = node.startIndex;
    while (stack.length > 0 && stack[stack.length - 1]!.end <= node.startIndex) stack.pop();
    const parent = stack[stack.length - 1]?.symbol;
    const outer = language === 'python' && node.parent?.type === 'decorated_definition' ? node.parent : node;
    const symbol: CodeSymbol = {
      name,
      qualifiedName: parent ? `${parent.qualifiedName}.${name}` : name,
      kind: kind === 'function' && parent?.kind === 'class' ? 'method' : kind,
      startLine: outer.startPosition.row + 1,
      endLine: node.endPosition.row + 1,
      signature: signatureOf(node, outer.startIndex, source),
      depth: stack.length,
    };
    const doc = language === 'python' ? pythonDocstring(node) : leadingDocComment(node);
    if (doc) symbol.doc = doc;
    symbols.push(symbol);
    stack.push({ end: node.endIndex, symbol });
  }
  return symbols;
}

function queryDefinitions(
  tree: Tree,
  grammar: LoadedGrammar,
  language: ParsedLanguage,
): { node: Node; kind: SymbolKind }[] {
  // Definitions deeper than this are rare, and the limit makes queries about a third faster.
  return queryFor(grammar, language)
    .captures(tree.rootNode, { maxStartDepth: 20 })
    .map((capture) => ({ node: capture.node, kind: capture.name as SymbolKind }));
}

// Python definitions are statements: only statement containers need a visit, not expressions, which are
// most of a tree. A cursor walk over these is over twice as fast as a query over everything.
const PYTHON_CONTAINERS = new Set([
  'module',
  'block',
  'decorated_definition',
  'class_definition',
  'function_definition',
  'if_statement',
  'elif_clause',
  'else_clause',
  'try_statement',
  'except_clause',
  'except_group_clause',
  'finally_clause',
  'with_statement',
  'for_statement',
  'while_statement',
  'match_statement',
  'case_clause',
  'ERROR',
]);

function pythonDefinitions(tree: Tree): { node: Node; kind: SymbolKind }[] {
  const found: { node: Node; kind: SymbolKind }[] = [];
  const cursor = tree.walk();
  try {
    for (;;) {
      const type = cursor.nodeType;
      if (type === 'class_definition') found.push({ node: cursor.currentNode, kind: 'class' });
      else if (type === 'function_definition') found.push({ node: cursor.currentNode, kind: 'function' });
      if (PYTHON_CONTAINERS.has(type) && cursor.gotoFirstChild()) continue;
      while (!cursor.gotoNextSibling()) if (!cursor.gotoParent()) return found;
    }
  } finally {
    cursor.delete();
  }
}

/** The defined name: a `name` field, an object key, or the property in `a.b = function`. */
function nameOf(node: Node): string | undefined {
  const name =
    node.childForFieldName('name') ??
    node.childForFieldName('key') ??
    node.childForFieldName('left')?.childForFieldName('property');
  return name?.text;
}

function signatureOf(node: Node, start: number, source: string): string {
  let end = node.endIndex;
  for (const field of BODY_FIELDS) {
    const child = node.childForFieldName(field);
    if (!child) continue;
    // A function value's own body is the one to cut at: `x = function (a) {`.
    const inner = child.childForFieldName('body');
    end = inner && field !== 'body' ? inner.startIndex : child.startIndex;
    break;
  }
  const text = source.slice(start, end).replace(/\s+/g, ' ').trim();
  return text.length > MAX_SIGNATURE ? `${text.slice(0, MAX_SIGNATURE)}…` : text;
}

function firstDocLine(text: string): string | undefined {
  for (const raw of text.split('\n')) {
    const line = raw
      .replace(/^\s*(\/\*\*?|\*\/|\*|#|\/\/)?/, '')
      .replace(/\*\/\s*$/, '')
      .trim();
    if (line) return line.length > 160 ? `${line.slice(0, 160)}…` : line;
  }
  return undefined;
}

function pythonDocstring(node: Node): string | undefined {
  const first = node.childForFieldName('body')?.firstNamedChild;
  const string = first?.type === 'expression_statement' ? first.firstNamedChild : undefined;
  if (!string || string.type !== 'string') return undefined;
  return firstDocLine(string.text.replace(/^[rRuUbB]*("""|'''|"|')/, '').replace(/("""|'''|"|')$/, ''));
}

function leadingDocComment(node: Node): string | undefined {
  // The comment sits before the outermost statement: `export const f = () =>`.
  let anchor: Node = node;
  while (
    anchor.parent &&
    [
      'variable_declarator',
      'lexical_declaration',
      'variable_declaration',
      'export_statement',
      'expression_statement',
      'assignment_expression',
    ].includes(anchor.parent.type)
  ) {
    anchor = anchor.parent;
  }
  const previous = anchor.previousSibling;
  if (!previous || previous.type !== 'comment') return undefined;
  if (anchor.startPosition.row - previous.endPosition.row > 1) return undefined;
  return firstDocLine(previous.text);
}
