/* Paper Digest search, the query: text as words and index terms, and the query language read into
   what must match. Pure, no DOM and no network; runs in the browser and in node (the tests).
   `words` mirrors site_src/search/analysis.py.

   lunr.js is a classic script that sets the global `lunr` (search-ui.js says why): it is read when
   a term is made, not when this module loads, so lunr.js and the modules may load in parallel. */

const MARKS = /[\u0300-\u036f]/g;
const POSSESSIVE = /['\u2019]s(?![a-z0-9])/g;
const APOSTROPHES = /['\u2019]/g;
const WORD = /[a-z0-9]+/g;
// words joined by hyphens, as site_src/search/analysis.py _COMPOUND finds them: the index holds one joined too where papers write it so
const COMPOUND = /[a-z0-9]+(?:-[a-z0-9]+)+/g;
// C++ and C# as words of their own (cpp, csharp), as site_src/search/analysis.py spells them
// (a lookbehind, as the Python side has, is Safari 16.4 on: the character before is checked instead)
const PLUS_PLUS = /\+\+/g;
const SHARP = /([cf])#/g;
const WORD_CHAR = /[a-z0-9]/;
const SPELT = /\+\+|#/; // an item with C++ or C#, whose words are spelt (cpp, csharp) and asked for exactly
const after = (text, at) => at > 0 && WORD_CHAR.test(text[at - 1]);
const ASCII = /^[\x00-\x7f]*$/;
// Latin letters NFKD leaves whole, as site_src/search/analysis.py LETTERS spells them
const LETTERS = { ß: "ss", æ: "ae", œ: "oe", ø: "o", ł: "l", đ: "d", ð: "d", þ: "th", ı: "i", ħ: "h" };
const WHOLE_LETTERS = /[ßæœøłđðþıħ]/g;
// the names of α to ω (final ς among them), as site_src/search/analysis.py GREEK spells them: a Greek
// letter on its own is spelt by its name (β-VAE → beta vae, μP → mup); a Greek word separates words
const GREEK = (
  "alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu " +
  "xi omicron pi rho sigma sigma tau upsilon phi chi psi omega"
).split(" ");
const GREEK_RUN = /[\u03b1-\u03c9]+/g;
// the hyphen, the non-breaking hyphen and the en dash word processors put for "-", as analysis.py _DASHES
const DASHES = /[\u2010\u2011\u2013]/g;

const PREFIX_MIN = 3; // shorter words match only themselves
const FUZZY_MIN = 4; // a typo is forgiven in words at least this long

/** A text as lower-case ASCII words (β-VAE → beta vae, μP → mup), exactly as site_src/search/analysis.py `words` makes them;
    `joined`: each hyphenated compound as one word (pre-training → pretraining), as the index also holds it. */
export function words(text, joined) {
  const folded = ASCII.test(text)
    ? text.toLowerCase()
    : text
        .normalize("NFKD")
        .toLowerCase()
        .replace(MARKS, "")
        .replace(WHOLE_LETTERS, (letter) => LETTERS[letter])
        .replace(GREEK_RUN, (run) => (run.length === 1 ? GREEK[run.charCodeAt(0) - 0x3b1] : run))
        .replace(DASHES, "-");
  const spelt = folded
    .replace(POSSESSIVE, "")
    .replace(APOSTROPHES, "")
    .replace(PLUS_PLUS, (plus, at, text) => (after(text, at) ? "pp" : plus))
    .replace(SHARP, (sharp, letter, at, text) => (after(text, at) ? sharp : letter + "sharp"));
  return (joined ? spelt.replace(COMPOUND, (compound) => compound.replace(/-/g, "")) : spelt).match(WORD) || [];
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

   words            every word must match, in a title, abstract, topic name or author's name
   transcri         a word of three letters or more also matches the words it begins
   "a phrase"       the words in this order, next to each other
   topic:music      only papers in a topic (slug or name; a prefix is enough)
   author:hinton    only papers with an author of that name (author:"geoffrey hinton"; a word
                    of three letters or more also matches the names it begins; no typo forgiven)
   year:2025        only papers a digest of that year listed (the listing date, not publication)
   month:2025-06    only papers a digest of that month listed
   has:code         only papers with a link to their code
   2406.17245       the paper with that arXiv identifier (also arXiv:2406.17245, 2406.17245v2,
                    https://arxiv.org/abs/2406.17245)
   -word -"a b"     leave out papers that have the word or phrase (-topic:music, -author:hinton,
                    -year:2024, -month:2025-06, -has:code: those the filter would keep)
   Anything else (lunr's own syntax, stray quotes, colons, a year: or month: that is no date) is
   read as plain words. A filter being typed (year:20, month:2025-0) waits until it is whole. */

const FILTER = /(-?)(?:(topics?|authors?|year|month|has):)?(?:"([^"]*)("?)|([^\s"]+))/gi;
const YEAR = /^\d{4}$/;
const MONTH = /^(\d{4})-(\d\d?)$/;
const YEAR_TYPED = /^\d{0,3}$/; // the beginnings of a year
const MONTH_TYPED = /^\d{0,4}(-[01]?)?$/; // the beginnings of a month
const HAS = /^[a-z]+$/;
// an arXiv identifier as written or linked: 2406.17245, arXiv:2406.17245, 2406.17245v2, its /abs/ or /pdf/ address
const ID_TYPED = /^(?:arxiv:)?\d{4}\.\d{0,3}$/i; // an identifier's beginning, being typed: 2406. or 2406.17
const ARXIV_ID = /^(?:(?:https?:\/\/)?(?:www\.)?arxiv\.org\/(?:abs|pdf)\/|arxiv:)?(\d{4}\.\d{4,5})(?:v\d+)?(?:\.pdf)?\/?$/i;

/** Whether an identifier is one still being typed: from January 2015 (1501) on, they have five digits. */
function unfinishedId(id) {
  return id.length === 9 && id.slice(0, 4) >= "1501";
}

/** Words as the query asks for them: a hyphenated compound outside quotes as one word, which the
    index holds for both spellings (pre-training and pretraining find the same papers); in a phrase,
    its parts, in their places. */
function item(text, phrase, joined) {
  const plain = joined ? new Set(words(text)) : null;
  const tokens = words(text, joined).map((w) => ({ word: w, term: term(w), joined: Boolean(plain && !plain.has(w)) }));
  return { text, phrase, tokens };
}

/** A filter's value as the query keeps it, "" to read it as plain words, null to skip it (being
    typed, or empty). */
function filterValue(field, text, open) {
  const value = text.trim().toLowerCase();
  if (!value) return null;
  if (field === "year") {
    if (YEAR.test(value)) return value;
    return open && YEAR_TYPED.test(value) ? null : "";
  }
  if (field === "month") {
    if (open && MONTH_TYPED.test(value)) return null; // 2025-1 may become 2025-12
    const month = MONTH.exec(value);
    if (month && +month[2] >= 1 && +month[2] <= 12) return month[1] + "-" + month[2].padStart(2, "0");
    return "";
  }
  if (field === "has") return HAS.test(value) ? value : "";
  return value;
}

/** A typed query, read into required items (words and phrases, some of them author filters),
    exclusions, and the filters that keep or leave out lists of papers (topics, years, months,
    has:). Items that must match in one field only carry `fields`. A hyphenated compound outside
    quotes is one word (pre-training as pretraining), or its `parts`, when asked. */
export function parse(input, parts) {
  const query = {
    text: input,
    joined: false, // a hyphenated compound asked for as one word (without `parts`: Searcher.search)
    required: [],
    excluded: [],
    topics: [],
    notTopics: [],
    years: [],
    notYears: [],
    months: [],
    notMonths: [],
    has: [],
    notHas: [],
    ids: [], // arXiv identifiers (2406.17245), each the paper it names
    notIds: [],
    skipped: [], // filters left out while being typed, as typed (year:20)
    asWords: [], // year:, month: and has: values read as plain words, as typed (year:2025-06)
  };
  const spans = []; // where the skipped filters are in the input
  let match;
  FILTER.lastIndex = 0;
  while ((match = FILTER.exec(input)) !== null) {
    const [whole, sign, named, quoted, closed, bare] = match;
    const negated = sign === "-";
    const text = quoted !== undefined ? quoted : bare;
    // the word being typed (no space after it yet, or an unclosed quote) may be unfinished
    const open = match.index + whole.length === input.length && !/\s$/.test(input) && !(quoted !== undefined && closed);
    const field = named ? { topics: "topic", authors: "author" }[named.toLowerCase()] || named.toLowerCase() : "";
    let it;
    const skip = () => {
      query.skipped.push(whole.trim());
      spans.push([match.index, match.index + whole.length]);
    };
    const id = !field && bare !== undefined && ARXIV_ID.exec(bare);
    if ((id && open && unfinishedId(id[1])) || (!field && open && bare !== undefined && ID_TYPED.test(bare))) {
      skip();
      continue;
    }
    if (id) {
      (negated ? query.notIds : query.ids).push(id[1]);
      continue;
    }
    if (field === "topic") {
      if (text.trim()) (negated ? query.notTopics : query.topics).push(text.trim());
      else skip();
      continue;
    } else if (field === "year" || field === "month" || field === "has") {
      const value = filterValue(field, text, open);
      if (value === null) {
        skip();
        continue;
      }
      if (value) {
        const lists = { year: ["years", "notYears"], month: ["months", "notMonths"], has: ["has", "notHas"] }[field];
        query[lists[negated ? 1 : 0]].push(value);
        continue;
      }
      it = item(named + ":" + text, false); // no date: plain words
      it.named = true;
      query.asWords.push({ text: whole.trim(), field });
    } else {
      it = item(text, quoted !== undefined, !negated && quoted === undefined && field !== "author");
      const split = parts && it.tokens.some((t) => t.joined && (parts === true || parts.has(t.word)));
      if (split) it = item(text, quoted !== undefined);
      query.joined = query.joined || it.tokens.length < words(text).length;
      if (field === "author") {
        it.fields = ["authors"];
        it.filter = true;
      }
    }
    if (!it.tokens.length) continue;
    if (negated) {
      query.excluded.push(it);
      // -pre-training leaves out "pre-training" and "pre training" (its words next to each other), and "pretraining"
      const joined = !field && quoted === undefined && !parts ? item(text, false, true) : it;
      if (joined.tokens.length < it.tokens.length) query.excluded.push(joined);
      continue;
    }
    it.open = open;
    if (it.phrase || it.tokens.length === 1 || it.filter) {
      query.required.push(it);
    } else {
      it.tokens.forEach((t, j) => {
        const last = j === it.tokens.length - 1; // "vision-l": "l" is still being typed
        query.required.push({ text: t.word, phrase: false, tokens: [t], open: open && last, named: it.named });
      });
    }
  }
  // the query as applied: the input without the filters skipped
  let applied = input;
  for (const [from, to] of spans.reverse()) applied = applied.slice(0, from) + " " + applied.slice(to);
  query.applied = applied.replace(/\s+/g, " ").trim();
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
        // names one letter apart are other people (Wang, Yang, Tang): an author filter forgives no typo
        // nor a language's name: C# one typo from "sharp", C++ from "app", found papers on neither
        fuzzy: t.word.length >= FUZZY_MIN && !it.filter && !SPELT.test(it.text),
        joined: t.joined,
        fields: it.fields,
        filter: Boolean(it.filter),
      });
    });
  });
  // what an exclusion leaves out: the word itself, or for a name also the names it begins
  // (`offset`: its place among the item's words, stop words counted, as a phrase's words have)
  query.excluded.forEach((it) => {
    it.words = it.tokens
      .map((t, offset) => ({
        word: t.word,
        term: t.term,
        offset,
        prefix: Boolean(it.filter) && t.word.length >= PREFIX_MIN,
        fuzzy: false,
        fields: it.fields,
      }))
      .filter((w) => w.term !== null);
  });
  // exclusions alone (-topic:music) list every other paper
  const lists = ["topics", "notTopics", "years", "notYears", "months", "notMonths", "has", "notHas", "ids", "notIds"];
  const excluding = query.excluded.some((it) => it.words.length);
  query.empty = query.words.length === 0 && !excluding && lists.every((key) => !query[key].length);
  return query;
}

/** The query without its last word while that word is being typed (no space after it yet) and
    too short to be matched as a beginning (`PREFIX_MIN`): "lottery" while "lottery t" is typed,
    whose "t" is a whole word, which no paper has; so too in a phrase ("music g in quotes) or an
    author's name (music author:h). Null when there is no such word, or no other. */
export function withoutUnfinished(input) {
  const required = parse(input, true).required; // "vision-l": its "l", not "visionl"
  const last = required[required.length - 1];
  if (!last || !last.open || last.tokens[last.tokens.length - 1].word.length >= PREFIX_MIN) return null;
  // the word's letters ("vision-l" leaves "vision-"), or the whole filter (author:h, year:2025-06)
  const rest = input.replace(last.filter || last.named ? /\S+$/u : /[\p{L}\p{N}]+$/u, "");
  return parse(rest).empty ? null : rest;
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

/** The months (of `months`, "yyyy-mm" ascending) a `year:` or `month:` value names. */
export function matchMonths(value, months) {
  return months.filter((month) => (value.length === 4 ? month.slice(0, 4) === value : month === value));
}

/** The names `has:` knows that a value begins (has:c is has:code). */
export function matchHas(value, names) {
  return names.filter((name) => name.indexOf(value) === 0);
}
