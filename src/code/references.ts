import { Query, type Node } from 'web-tree-sitter';
import { loadGrammar, parseWith, type ParsedLanguage } from './languages.js';

export interface Reference {
  path: string;
  line: number;
  /** The line, trimmed. */
  text: string;
  /** `syntax`: an identifier node of that name (not in a comment or string); `text`: a whole-word match in a file no grammar covers. */
  how: 'syntax' | 'text';
}

const IDENTIFIER_TYPES: Record<ParsedLanguage, string[]> = {
  python: ['identifier'],
  javascript: [
    'identifier',
    'property_identifier',
    'shorthand_property_identifier',
    'shorthand_property_identifier_pattern',
  ],
  typescript: [
    'identifier',
    'property_identifier',
    'shorthand_property_identifier',
    'shorthand_property_identifier_pattern',
    'type_identifier',
  ],
  tsx: [
    'identifier',
    'property_identifier',
    'shorthand_property_identifier',
    'shorthand_property_identifier_pattern',
    'type_identifier',
  ],
};

interface SearchedFile {
  path: string;
  source: string;
  language: ParsedLanguage | 'text';
}

/**
 * Uses of `name` (its last dotted part) in `files`, one per line, other than
 * the lines in `skip` (`path:line`, the definitions). In parsed files these
 * are identifier nodes, so comments and strings do not count and neither
 * does the name of a definition; other files are searched as text. Neither
 * way resolves scopes or imports: two symbols of one name are not told apart.
 */
export async function findReferences(
  files: readonly SearchedFile[],
  name: string,
  skip: ReadonlySet<string>,
): Promise<Reference[]> {
  const simple = name.slice(name.lastIndexOf('.') + 1);
  if (!/^[\w$]+$/.test(simple)) return [];
  const wholeWord = new RegExp(`(?<![\\w$])${simple.replace(/[$]/g, '\\$')}(?![\\w$])`);
  const queries = new Map<ParsedLanguage, Query>();
  const found: Reference[] = [];
  for (const file of files) {
    if (!file.source.includes(simple)) continue;
    const lines = file.source.split('\n');
    const add = (line: number, how: Reference['how']) => {
      if (!skip.has(`${file.path}:${line}`))
        found.push({ path: file.path, line, text: lines[line - 1]!.trim(), how });
    };
    if (file.language === 'text') {
      lines.forEach((text, i) => wholeWord.test(text) && add(i + 1, 'text'));
      continue;
    }
    const language = file.language;
    const grammar = await loadGrammar(language);
    let query = queries.get(language);
    if (!query) {
      const types = IDENTIFIER_TYPES[language].map((t) => `(${t})`).join(' ');
      query = new Query(grammar.language, `([${types}] @name (#eq? @name "${simple}"))`);
      queries.set(language, query);
    }
    const rows = parseWith(grammar, file.source, (tree) => {
      const seen = new Set<number>();
      for (const { node } of query.captures(tree.rootNode)) {
        if (!isDefinitionName(node)) seen.add(node.startPosition.row + 1);
      }
      return [...seen].sort((a, b) => a - b);
    });
    for (const line of rows) add(line, 'syntax');
  }
  for (const query of queries.values()) query.delete();
  return found;
}

function isDefinitionName(node: Node): boolean {
  const parent = node.parent;
  if (!parent || !/definition|declaration|declarator|method_definition|class$/.test(parent.type))
    return false;
  return parent.childForFieldName('name')?.startIndex === node.startIndex;
}
