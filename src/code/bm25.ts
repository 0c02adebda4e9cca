/** Okapi BM25 over documents given as term-frequency maps. */
export interface Bm25Options {
  k1?: number;
  b?: number;
}

/** BM25's weight of one term in one document. */
export function bm25Term(
  idf: number,
  tf: number,
  length: number,
  averageLength: number,
  k1: number,
  b: number,
): number {
  return (idf * (tf * (k1 + 1))) / (tf + k1 * (1 - b + (b * length) / averageLength));
}

export function bm25Idf(documents: number, df: number): number {
  return Math.log(1 + (documents - df + 0.5) / (df + 0.5));
}

export class Bm25Index {
  readonly k1: number;
  readonly b: number;
  private readonly postings = new Map<string, { doc: number[]; tf: number[] }>();
  private readonly lengths: number[] = [];
  private totalLength = 0;

  constructor(options: Bm25Options = {}) {
    this.k1 = options.k1 ?? 1.2;
    this.b = options.b ?? 0.75;
  }

  get size(): number {
    return this.lengths.length;
  }

  /** Adds a document; returns its number. */
  add(frequencies: ReadonlyMap<string, number>): number {
    return this.addTerms([...frequencies.keys()], [...frequencies.values()]);
  }

  /** Adds a document given as distinct terms and their counts; returns its number. */
  addTerms(terms: readonly string[], counts: ArrayLike<number>): number {
    const doc = this.lengths.length;
    let length = 0;
    for (let i = 0; i < terms.length; i++) {
      const tf = counts[i]!;
      length += tf;
      let list = this.postings.get(terms[i]!);
      if (!list) this.postings.set(terms[i]!, (list = { doc: [], tf: [] }));
      list.doc.push(doc);
      list.tf.push(tf);
    }
    this.lengths.push(length);
    this.totalLength += length;
    return doc;
  }

  /** The documents that contain a term, with the term's count in each. */
  postingsOf(term: string): { readonly doc: readonly number[]; readonly tf: readonly number[] } | undefined {
    return this.postings.get(term);
  }

  lengthOf(doc: number): number {
    return this.lengths[doc] ?? 0;
  }

  /** Scores for every document that shares a term with the query (others score 0). */
  score(query: ReadonlyMap<string, number>): Float64Array {
    const scores = new Float64Array(this.lengths.length);
    const n = this.lengths.length;
    if (n === 0) return scores;
    const average = this.totalLength / n || 1;
    for (const [term, queryTf] of query) {
      const list = this.postings.get(term);
      if (!list) continue;
      const df = list.doc.length;
      const idf = bm25Idf(n, df);
      // Repeated query terms count, but with diminishing weight.
      const queryWeight = idf * (1 + Math.log(queryTf));
      for (let i = 0; i < df; i++) {
        const doc = list.doc[i]!;
        scores[doc]! += bm25Term(queryWeight, list.tf[i]!, this.lengths[doc]!, average, this.k1, this.b);
      }
    }
    return scores;
  }
}
