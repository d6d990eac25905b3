/* Paper Digest search, the query: text as words and index terms, and the query language read into
   what must match. Pure, no DOM and no network; runs in the browser and in node (the tests).
   `words` mirrors site_src/search/analysis.py.

   lunr.js is a classic script that sets the global `lunr` (search-ui.js says why): it is read when
   a term is made, not when this module loads, so lunr.js and the modules may load in parallel. */

const MARKS = /[\u0300-\u036f]/g;
const POSSESSIVE = /['\u2019]s(?![a-z0-9])/g;
const APOSTROPHES = /['\u2019]/g;
const WORD = /[a-z0-9]+/g;
const ASCII = /^[\x00-\x7f]*$/;

const PREFIX_MIN = 3; // shorter words match only themselves
const FUZZY_MIN = 4; // a typo is forgiven in words at least this long

/** A text as lower-case ASCII words, exactly as site_src/search/analysis.py `words` makes them. */
export function words(text) {
  const folded = ASCII.test(text)
    ? text.toLowerCase()
    : text.normalize("NFKD").toLowerCase().replace(MARKS, "").replace(/\u00df/g, "ss");
  return folded.replace(POSSESSIVE, "").replace(APOSTROPHES, "").match(WORD) || [];
}

const termCache = new Map();

/** The index term of one word (null for a stop word): lunr's own pipeline. */
export function term(word) {
  if (!termCache.has(word)) {
    const { lunr } = globalThis;
    const token = lunr.trimmer(new lunr.Token(word, {}));
    termCache.set(word, lunr.stopWordFilter(token) ? lunr.stemmer(token).toString() : null);
  }
  return termCache.get(word);
}

/** The terms of a text, stop words left out. */
export function termsOf(text) {
  return words(text)
    .map(term)
    .filter((t) => t !== null);
}

/* ---- The query language ------------------------------------------------------------------

   words            every word must match, in a title, abstract or topic name
   transcri         a word of three letters or more also matches the words it begins
   "a phrase"       the words in this order, next to each other
   topic:music      only papers in a topic (slug or name; a prefix is enough)
   -word -"a b"     leave out papers that have the word or phrase (-topic:music, of a topic)
   Anything else (lunr's own syntax, stray quotes, colons) is read as plain words. */

function item(text, phrase) {
  const tokens = words(text).map((w) => ({ word: w, term: term(w) }));
  return { text, phrase, tokens };
}

/** A typed query, read into required items (words and phrases), exclusions and topic filters. */
export function parse(input) {
  const query = { text: input, required: [], excluded: [], topics: [], notTopics: [] };
  const pattern = /(-?)(?:(topics?):)?(?:"([^"]*)("?)|([^\s"]+))/gi;
  let match;
  while ((match = pattern.exec(input)) !== null) {
    const [whole, sign, field, quoted, closed, bare] = match;
    const negated = sign === "-";
    const text = quoted !== undefined ? quoted : bare;
    if (field) {
      if (text.trim()) (negated ? query.notTopics : query.topics).push(text.trim());
      continue;
    }
    const it = item(text, quoted !== undefined);
    if (!it.tokens.length) continue;
    if (negated) {
      query.excluded.push(it);
      continue;
    }
    // the word being typed (no space after it yet, or an unclosed quote) may be unfinished
    it.open = match.index + whole.length === input.length && !/\s$/.test(input) && !(quoted !== undefined && closed);
    if (it.phrase || it.tokens.length === 1) {
      query.required.push(it);
    } else {
      for (const t of it.tokens) query.required.push({ text: t.word, phrase: false, tokens: [t] });
    }
  }
  query.words = [];
  query.required.forEach((it, i) => {
    it.tokens.forEach((t, j) => {
      if (t.term === null) return;
      const last = j === it.tokens.length - 1;
      query.words.push({
        word: t.word,
        term: t.term,
        item: i,
        offset: j,
        prefix: t.word.length >= PREFIX_MIN && (!it.phrase || (it.open && last)),
        fuzzy: t.word.length >= FUZZY_MIN,
      });
    });
  });
  query.empty = query.words.length === 0 && query.topics.length === 0;
  return query;
}

/** The topics a `topic:` value names: by slug, or by the words their names begin with. */
export function matchTopics(value, topics) {
  const wanted = words(value);
  const slug = wanted.join("-");
  return topics.filter((topic) => {
    if (topic.slug.indexOf(slug) === 0) return true;
    const name = words(topic.name);
    return wanted.every((w) => name.some((n) => n.indexOf(w) === 0));
  });
}
