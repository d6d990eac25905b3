/* Paper Digest search, scoring: a planned query run over loaded lunr index pieces, the papers that
   match it ranked by lunr's own scores, and titles the query names ranked first. Pure, no DOM and
   no network; runs in the browser and in node (tests/test_search_scores.py checks the scores are
   lunr.Index.query's). lunr's TokenSet is read from the global `lunr` when a query runs. */

import { termsOf } from "./search-query.98ef2aee5b.js";

const FEW = 3; // fewer results than this and a typo is forgiven
const LOOKUP_COST = 20; // looking a paper up in a posting costs about this many postings read in order

/** The terms of a piece a clause matches: lunr's own term expansion (exact, prefix or typo). */
function expand(piece, clause) {
  const { lunr } = globalThis;
  const wanted = clause.editDistance
    ? lunr.TokenSet.fromFuzzyString(clause.term, clause.editDistance)
    : lunr.TokenSet.fromString(clause.wildcard ? clause.term + "*" : clause.term);
  return piece.index.tokenSet.intersect(wanted).toArray();
}

/** A loaded piece ready to query: its lunr index, its fields, its document vectors by field
    then ref (lunr keys them "field/ref"), and how many postings each term has in each field. */
export function prepare(index, fields) {
  const vectors = {};
  const sizes = {};
  for (const field of fields) {
    vectors[field] = Object.create(null);
    sizes[field] = Object.create(null);
  }
  for (const key of Object.keys(index.fieldVectors)) {
    const cut = key.indexOf("/");
    vectors[key.slice(0, cut)][key.slice(cut + 1)] = index.fieldVectors[key];
  }
  for (const t of Object.keys(index.invertedIndex)) {
    const posting = index.invertedIndex[t];
    for (const field of fields) sizes[field][t] = Object.keys(posting[field]).length;
  }
  return { index, fields, vectors, sizes, postings: {} };
}

/** A term's weight in one document's field: the value lunr's document vector holds for it. */
function weight(vector, termIndex) {
  const at = vector.positionForIndex(termIndex);
  return vector.elements[at] === termIndex ? vector.elements[at + 1] : 0;
}

/** A term's postings in one field as typed arrays (paper numbers and weights), made once. */
function postingsOf(piece, field, t) {
  const key = field + "/" + t;
  let found = piece.postings[key];
  if (!found) {
    const posting = piece.index.invertedIndex[t];
    const refs = Object.keys(posting[field]);
    const vectors = piece.vectors[field];
    found = piece.postings[key] = { docs: new Int32Array(refs.length), weights: new Float64Array(refs.length) };
    refs.forEach((ref, i) => {
      found.docs[i] = parseInt(ref, 36);
      found.weights[i] = weight(vectors[ref], posting._index);
    });
  }
  return found;
}

/** What one word asks of each piece: the fields it is looked up in (all the piece's, or those in
    `only`), the terms its clauses expand to there (lunr's own expansion), the query
    vector's value for each, and the number of postings it would visit. */
function expansionsOf(looks, loaded, only) {
  const expansions = [];
  looks.forEach((look, g) => {
    const clauses = new Map();
    for (const entry of look) {
      for (const n of entry.pieces) {
        if (!clauses.has(n)) clauses.set(n, []);
        clauses.get(n).push(entry.clause);
      }
    }
    clauses.forEach((wanted, n) => {
      const piece = loaded(g, n);
      if (!piece) return;
      const fields = only ? piece.fields.filter((f) => only.indexOf(f) >= 0) : piece.fields;
      const boosts = new Map();
      const terms = [];
      const inverted = piece.index.invertedIndex;
      const sizeOf = (t) => fields.reduce((sum, f) => sum + piece.sizes[f][t], 0);
      for (const clause of wanted) {
        for (const t of expand(piece, clause)) {
          if (only && !sizeOf(t)) continue; // the term is in the piece, not in these fields
          const index = inverted[t]._index;
          if (!boosts.has(index)) terms.push(t);
          boosts.set(index, (boosts.get(index) || 0) + clause.boost);
        }
      }
      if (!terms.length) return;
      let length = 0;
      let size = 0;
      for (const boost of boosts.values()) length += boost * boost;
      length = Math.sqrt(length);
      const q = terms.map((t) => {
        size += sizeOf(t);
        return boosts.get(inverted[t]._index) / length;
      });
      expansions.push({ piece, fields, terms, q, size });
    });
  });
  return expansions;
}

/** Where one word matches. Papers are numbered by their refs (base 36), so scores live in a
    typed array: `score[n]`, `has[n]`, and `docs` (the numbers that match).

    A paper's score is the one lunr.Index.query gives the word's clauses on each piece (the dot
    product of the query's and the paper's term vectors over the query vector's length; the
    tests check the two agree), summed over the pieces. It is computed here rather than by
    Index.query, which builds match metadata for every posting and takes ~100 ms for a word
    that 7,000 papers have. Given `within` (the papers the other words left), only those are
    looked up, when that is less work than reading the word's postings. */
function matchWord(expansions, count, within) {
  const word = { score: new Float64Array(count), has: new Uint8Array(count), docs: [], expansions };
  const size = expansions.reduce((sum, e) => sum + e.size, 0);
  const { score, has } = word;
  const lookups = expansions.reduce((sum, e) => sum + e.terms.length * e.fields.length, 0);
  if (within && within.numbers.length * lookups * LOOKUP_COST < size) {
    for (const e of expansions) {
      for (const field of e.fields) {
        const vectors = e.piece.vectors[field];
        e.terms.forEach((t, k) => {
          const posting = e.piece.index.invertedIndex[t];
          const refs = posting[field];
          within.numbers.forEach((n, i) => {
            const ref = within.refs[i];
            if (refs[ref]) {
              has[n] = 1;
              score[n] += e.q[k] * weight(vectors[ref], posting._index);
            }
          });
        });
      }
    }
    word.docs = within.numbers.filter((n) => has[n]);
    return word;
  }
  const docs = word.docs;
  for (const e of expansions) {
    for (const field of e.fields) {
      e.terms.forEach((t, k) => {
        const p = postingsOf(e.piece, field, t);
        const q = e.q[k];
        const numbers = p.docs;
        const weights = p.weights;
        for (let i = 0; i < numbers.length; i++) {
          const n = numbers[i];
          if (!has[n]) {
            has[n] = 1;
            docs.push(n);
          }
          score[n] += q * weights[i];
        }
      });
    }
  }
  return word;
}

/** A set of paper numbers with their refs, for matchWord's lookups. */
function within(numbers) {
  return { numbers, refs: numbers.map((n) => n.toString(36)) };
}

/** What a word matched in one paper: [{field, term, posting}]. */
function matchesOf(word, n) {
  const ref = n.toString(36);
  const matches = [];
  for (const expansion of word.expansions) {
    for (const field of expansion.fields) {
      for (const t of expansion.terms) {
        const posting = expansion.piece.index.invertedIndex[t][field][ref];
        if (posting) matches.push({ field, term: t, posting });
      }
    }
  }
  return matches;
}

const NOWHERE = [];

/** The positions of a word's matched terms in one field of a paper (ref). */
function placesOf(word, ref, field) {
  let places = NOWHERE;
  for (const e of word.expansions) {
    if (e.fields.indexOf(field) < 0) continue;
    for (const t of e.terms) {
      const match = e.piece.index.invertedIndex[t][field][ref];
      if (match && match.index) places = places === NOWHERE ? match.index : places.concat(match.index);
    }
  }
  return places;
}

/** Whether a paper has an item's words next to each other, in one field. */
function adjacent(offsets, found, n) {
  const ref = n.toString(36);
  const fields = new Set();
  for (const e of found[0].expansions) for (const field of e.fields) fields.add(field);
  return Array.from(fields).some((field) => {
    const first = placesOf(found[0], ref, field);
    if (!first.length) return false;
    const rest = found.slice(1).map((word) => placesOf(word, ref, field));
    return first.some((start) =>
      rest.every((places, i) => places.indexOf(start - offsets[0] + offsets[i + 1]) >= 0)
    );
  });
}

/** A query run over loaded pieces: `hits` ({ref, score}, best first; ties, and every hit of a
    query of filters alone, in `tieOrder` (each paper's place: Loader.tieOrder), or the higher
    number first without it), and
    what each hit matched, worked out when asked: `terms(hit)` (the terms the query's words
    matched, for marking titles and snippets), `authorTerms(hit)` (those matched in its authors'
    names, filters included), `exact(hit)`; `unwritten`, the compounds asked for joined that no
    paper has joined; `unknownAuthors`, the author filters no author's name
    matches. `lists` holds the paper numbers the list filters (topic:, year:, month:, has:) allow
    (`allowed`, null for any) and leave out (`left`). Author filters narrow but do not score. */
export function run(query, planned, loaded, lists, count, tieOrder) {
  const allowed = lists && lists.allowed;
  const left = lists && lists.left;
  // the rarest word first; each next word is looked up only in the papers left
  const asked = planned.words.map((looks, i) => expansionsOf(looks, loaded, query.words[i].fields));
  const order = asked
    .map((expansions, i) => ({ i, size: expansions.reduce((sum, e) => sum + e.size, 0) }))
    .sort((a, b) => a.size - b.size);
  const perWord = new Array(asked.length);
  let candidates = null;
  for (const o of order) {
    const word = (perWord[o.i] = matchWord(asked[o.i], count, candidates && within(candidates)));
    candidates = candidates === null ? word.docs : candidates.filter((n) => word.has[n]);
  }
  // compounds asked for joined that no paper writes so (large-scale): asked for as their words again
  const unwritten = query.words.filter((w, k) => w.joined && !asked[k].length).map((w) => w.word);
  const unknownAuthors = [];
  query.required.forEach((it, i) => {
    if (it.filter && query.words.some((w, k) => w.item === i && !asked[k].length)) unknownAuthors.push(it.text.trim());
  });
  if (!perWord.length) {
    // filters or exclusions alone: the papers the lists allow, or every paper
    candidates = allowed ? Array.from(allowed) : Array.from({ length: count }, (_, n) => n);
  }
  if (allowed || left) {
    candidates = candidates.filter((n) => (!allowed || allowed.has(n)) && !(left && left.has(n)));
  }
  // phrases: their words next to each other, in order (stop words in between count as words)
  query.required.forEach((it, i) => {
    const offsets = [];
    const found = [];
    query.words.forEach((w, k) => {
      if (w.item === i) {
        offsets.push(w.offset);
        found.push(perWord[k]);
      }
    });
    if (!it.phrase || found.length < 2) return;
    candidates = candidates.filter((n) => adjacent(offsets, found, n));
  });
  for (const words of planned.excluded) {
    if (!words.length || !candidates.length) continue;
    const remaining = within(candidates);
    const found = words.map((w) => matchWord(expansionsOf(w.looks, loaded, w.fields), count, remaining));
    const offsets = words.map((w) => w.offset); // "state of the art": art three words after state
    candidates = candidates.filter((n) => {
      const all = found.every((word) => word.has[n]);
      return !all || (found.length > 1 && !adjacent(offsets, found, n));
    });
  }
  const total = new Float64Array(count);
  perWord.forEach((word, i) => {
    if (query.words[i].filter) return;
    for (const n of candidates) total[n] += word.score[n];
  });
  const ranked = Int32Array.from(candidates).sort(
    tieOrder ? (a, b) => total[b] - total[a] || tieOrder[a] - tieOrder[b] : (a, b) => total[b] - total[a] || b - a
  );
  const hits = Array.from(ranked, (n) => ({ ref: n.toString(36), number: n, score: total[n] }));
  const termsWhere = (hit, keep) => {
    const terms = new Set();
    perWord.forEach((word, i) => {
      for (const m of matchesOf(word, hit.number)) if (keep(query.words[i], m.field)) terms.add(m.term);
    });
    return terms;
  };
  return {
    hits,
    unknownAuthors,
    unwritten,
    terms(hit) {
      return termsWhere(hit, (w) => !w.filter);
    },
    authorTerms(hit) {
      return termsWhere(hit, (w, field) => field === "authors");
    },
    exact(hit) {
      return perWord.every((word, i) => {
        const w = query.words[i];
        return matchesOf(word, hit.number).some((m) => m.term === w.term || (w.prefix && m.term.indexOf(w.word) === 0));
      });
    },
  };
}

/** Whether too little was found with every word matched as typed (exactly, or as the beginning
    of a word), so that a typo should be forgiven. */
export function wantsForgiveness(query, found) {
  if (!query.words.some((w) => w.fuzzy)) return false;
  let exact = 0;
  for (let i = 0; i < found.hits.length && exact < FEW; i++) if (found.exact(found.hits[i])) exact++;
  return exact < FEW;
}

/** Whether two terms are at most one edit apart (an insertion, deletion, change or swap). */
function near(a, b) {
  if (a === b) return true;
  if (Math.abs(a.length - b.length) > 1) return false;
  let i = 0;
  while (i < a.length && a[i] === b[i]) i++;
  if (a.length === b.length) {
    return a.slice(i + 1) === b.slice(i + 1) || (a[i] === b[i + 1] && a[i + 1] === b[i] && a.slice(i + 2) === b.slice(i + 2));
  }
  return a.length > b.length ? a.slice(i + 1) === b.slice(i) : a.slice(i) === b.slice(i + 1);
}

function covers(word, t) {
  return t === word.term || (word.prefix && t.indexOf(word.word) === 0) || (word.fuzzy && near(t, word.term));
}

/** 2 when the query is the paper's title, 1 when it nearly is (one word of the title missing,
    or one word more than the title), 0 otherwise. Prefixes and typos count as the word. */
export function titleMatch(query, title) {
  const titleTerms = Array.from(new Set(termsOf(title)));
  const named = query.words.filter((w) => !w.filter); // author filters name no title
  if (!named.length || !titleTerms.length) return 0;
  const extra = named.filter((w) => !titleTerms.some((t) => covers(w, t))).length;
  const missing = titleTerms.filter((t) => !named.some((w) => covers(w, t))).length;
  if (extra === 0 && missing === 0) return 2;
  return extra + missing === 1 && titleTerms.length > 2 ? 1 : 0;
}

/** Hits reordered so that titles the query names come first (needs their titles). */
export function rankByTitle(query, hits, titleOf) {
  return hits
    .map((hit, i) => {
      const title = titleOf(hit.ref);
      return { hit, tier: title === undefined ? 0 : titleMatch(query, title), i };
    })
    .sort((a, b) => b.tier - a.tier || a.i - b.i)
    .map((x) => x.hit);
}
