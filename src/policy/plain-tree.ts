import type { Tree } from 'web-tree-sitter';

/**
 * A tree-sitter tree copied once into plain objects, with the part of the `Node` API the inline
 * reader (`inline.ts`) uses. Every read of a web-tree-sitter `Node` (`type`, `parent`,
 * `childForFieldName`, `namedChild`) crosses into WASM and builds a new `Node` object; the
 * reader asks hundreds of such questions per call it reads, so a 700-character `python3 -c`
 * edit script of a real agent took 2.5 ms to decide, most of it there. Here the tree is walked
 * once with a cursor (a handful of WASM reads per node) and every later question is a property.
 */
export class PlainNode {
  parent: PlainNode | null = null;
  readonly children: PlainNode[] = [];
  readonly namedChildren: PlainNode[] = [];
  /** The field name of each of `children` (null where it has none). */
  readonly fields: Array<string | null> = [];
  /**
   * The root: web-tree-sitter's `hasError` (read from the tree: an error can sit in a hidden node
   * the cursor does not show, as in `class A: pass; class B: pass`). Below the root: an ERROR or
   * MISSING node is this node or among the visible nodes below it.
   */
  hasError: boolean;

  constructor(
    readonly id: number,
    readonly type: string,
    readonly isNamed: boolean,
    readonly isMissing: boolean,
    readonly startIndex: number,
    readonly endIndex: number,
    private readonly code: string,
  ) {
    this.hasError = isMissing || type === 'ERROR';
  }

  get text(): string {
    return this.code.slice(this.startIndex, this.endIndex);
  }

  get namedChildCount(): number {
    return this.namedChildren.length;
  }

  namedChild(i: number): PlainNode | null {
    return this.namedChildren[i] ?? null;
  }

  childForFieldName(name: string): PlainNode | null {
    const i = this.fields.indexOf(name);
    return i < 0 ? null : this.children[i]!;
  }

  childrenForFieldName(name: string): PlainNode[] {
    const out: PlainNode[] = [];
    for (let i = 0; i < this.fields.length; i++) if (this.fields[i] === name) out.push(this.children[i]!);
    return out;
  }

  /** This node and the nodes below it of type `type`, in document order (as web-tree-sitter's). */
  descendantsOfType(type: string): PlainNode[] {
    const out: PlainNode[] = [];
    const stack: PlainNode[] = [this];
    while (stack.length) {
      const n = stack.pop()!;
      if (n.type === type) out.push(n);
      for (let i = n.children.length - 1; i >= 0; i--) stack.push(n.children[i]!);
    }
    return out;
  }

  private add(child: PlainNode, field: string | null): void {
    child.parent = this;
    this.children.push(child);
    this.fields.push(field);
    if (child.isNamed) this.namedChildren.push(child);
  }

  /**
   * Copies `tree` (parsed from `code`). Null when it has more than `maxNodes` nodes or `stop`
   * says so (asked every 1,024 nodes).
   */
  static of(tree: Tree, code: string, maxNodes: number, stop: () => boolean): PlainNode | null {
    const cursor = tree.walk();
    // Each cursor read crosses into WASM (the cursor is copied there first): five per node
    // here, against seven with `nodeType`, `nodeIsNamed`, `nodeIsMissing` and `currentFieldName`
    // read each time. Whether a type is named is the language's (looked up once per type id);
    // whether a node is missing is asked only of nodes of no width (a missing node has none).
    // The copy was half of reading a 4,000-character Python edit script (2.7 of 5.2 ms).
    const language = tree.language;
    const types = language.types;
    const fieldNames = language.fields;
    const named = new Map<number, boolean>();
    try {
      let count = 0;
      const make = (): PlainNode => {
        const typeId = cursor.nodeTypeId;
        let isNamed = named.get(typeId);
        if (isNamed === undefined) named.set(typeId, (isNamed = language.nodeTypeIsNamed(typeId)));
        const start = cursor.startIndex;
        const end = cursor.endIndex;
        return new PlainNode(
          count++,
          types[typeId] || 'ERROR',
          isNamed,
          start === end && cursor.nodeIsMissing,
          start,
          end,
          code,
        );
      };
      const root = make();
      root.hasError = tree.rootNode.hasError;
      let current = root;
      for (;;) {
        if (count > maxNodes || ((count & 1023) === 0 && stop())) return null;
        if (cursor.gotoFirstChild()) {
          const child = make();
          current.add(child, fieldNames[cursor.currentFieldId] ?? null);
          current = child;
          continue;
        }
        // Leave `current` (and each parent whose last child it was) for the next sibling.
        for (;;) {
          const parent = current.parent;
          if (parent === null) return root;
          if (current.hasError) parent.hasError = true;
          if (cursor.gotoNextSibling()) {
            const sibling = make();
            parent.add(sibling, fieldNames[cursor.currentFieldId] ?? null);
            current = sibling;
            break;
          }
          cursor.gotoParent();
          current = parent;
        }
      }
    } finally {
      cursor.delete();
    }
  }
}
