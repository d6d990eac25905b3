/* Paper Digest search, lookup planning: which lunr clauses each word of a query asks for, and which
   pieces of the index (a group of fields, a range of terms: search/index.json lists them) they must
   be run on. Pure, no DOM and no network; runs in the browser and in node (the tests). */

const EXACT_BOOST = 10; // a word itself outranks the longer words it begins
const RANGE_PIECES = 2; // a prefix or typo search fetches at most this many pieces of a group
const STEM_MIN = 5; // the shortest beginning of a typed word tried as a stem
const SHORTER = 3; // how many letters shorter than the typed word a stem may be
const SHORTER_FORGIVEN = 4; // the same, when forgiving a typo (in the letters a stemmer drops)

function pieceOf(group, value) {
  const pieces = group.pieces;
  let lo = 0;
  let hi = pieces.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (pieces[mid].first <= value) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** The pieces of a group that hold the terms beginning with `prefix`. */
export function piecesFor(group, prefix) {
  const from = pieceOf(group, prefix);
  const to = pieceOf(group, prefix + "\uffff");
  const numbers = [];
  for (let n = from; n <= to; n++) numbers.push(n);
  return numbers;
}

/** The narrowest range a typo search looks in: a typo in the first letters is not forgiven
    where that would mean fetching more than RANGE_PIECES pieces. */
function fuzzyPieces(group, stem) {
  for (let k = 1; k <= 3 && k < stem.length; k++) {
    const numbers = piecesFor(group, stem.slice(0, k));
    if (numbers.length <= RANGE_PIECES) return numbers;
  }
  return null;
}

/** A typed word's beginnings that may be the stem of the word it begins (memoriz → memor, the
    stem of "memorized"), longest first: down to `cut` letters fewer, never under STEM_MIN. */
function shorterStems(word, cut) {
  const stems = [];
  for (let k = word.length - 1; k >= Math.max(STEM_MIN, word.length - cut); k--) stems.push(word.slice(0, k));
  return stems;
}

/** Whether a word of a query asks for a term, as its clauses below do (typos aside): its own term,
    a word it begins, or a stem it may begin with. */
export function asks(word, t) {
  if (t === word.term) return true;
  if (!word.prefix) return false;
  return t.indexOf(word.word) === 0 || shorterStems(word.word, SHORTER).indexOf(t) >= 0;
}

/** For each word of a query and each group of pieces, the lunr clauses to run and the pieces
    to run them on: the word's term (weighing most), the words it begins, stems it may begin
    with, and, when forgiving, terms one typo away. A word that must match in some fields only
    (an author's name) is looked up only in the groups that hold them. Excluded words are looked
    up as they are (names also as the names they begin). */
export function plan(query, manifest, forgive) {
  const lookups = (word) =>
    manifest.groups.map((group) => {
      if (word.fields && !group.fields.some((f) => word.fields.indexOf(f) >= 0)) return [];
      const look = [{ pieces: [pieceOf(group, word.term)], clause: { term: word.term, boost: EXACT_BOOST } }];
      if (word.prefix) {
        const range = piecesFor(group, word.word);
        if (range.length <= RANGE_PIECES) {
          look.push({ pieces: range, clause: { term: word.word, boost: 1, wildcard: true } });
        }
        for (const stem of shorterStems(word.word, forgive ? SHORTER_FORGIVEN : SHORTER)) {
          look.push({ pieces: [pieceOf(group, stem)], clause: { term: stem, boost: 1 } });
        }
      }
      if (forgive && word.fuzzy) {
        const near = fuzzyPieces(group, word.term);
        if (near) look.push({ pieces: near, clause: { term: word.term, boost: 1, editDistance: 1 } });
      }
      return look;
    });
  const result = {
    words: query.words.map((w) => lookups(w)),
    excluded: query.excluded.map((it) => it.words.map((w) => ({ ...w, looks: lookups(w) }))),
    pieces: [],
  };
  const wanted = new Set();
  const want = (looks) => {
    looks.forEach((look, g) => {
      for (const entry of look) for (const n of entry.pieces) wanted.add(g + ":" + n);
    });
  };
  result.words.forEach(want);
  for (const words of result.excluded) for (const w of words) want(w.looks);
  result.pieces = Array.from(wanted, (key) => {
    const [group, number] = key.split(":");
    return { group: +group, number: +number };
  });
  return result;
}
