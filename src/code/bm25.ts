/** Okapi BM25 over documents given as term-frequency maps. */
export interface Bm25Options {
  k1?: number;
  b?: number;
}

export class Bm25Index {
  private readonly postings = new Map<string, { doc: number[]; tf: number[] }>();
  private readonly lengths: number[] = [];
  private totalLength = 0;
  private readonly k1: number;
  private readonly b: number;

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
      const idf = Math.log(1 + (n - df + 0.5) / (df + 0.5));
      // Repeated query terms count, but with diminishing weight.
      const queryWeight = idf * (1 + Math.log(queryTf));
      for (let i = 0; i < df; i++) {
        const doc = list.doc[i]!;
        const tf = list.tf[i]!;
        const norm = tf + this.k1 * (1 - this.b + (this.b * this.lengths[doc]!) / average);
        scores[doc]! += (queryWeight * (tf * (this.k1 + 1))) / norm;
      }
    }
    return scores;
  }
}
