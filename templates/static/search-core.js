/* Paper Digest search, querying: words and terms, the query language, and ranking over loaded
   lunr index pieces. Pure functions, no DOM and no network: search-data.js loads, search-ui.js
   renders. Runs in the browser and in node (the tests). `words` mirrors site_src/analysis.py. */
(function (root) {
  "use strict";

  var lunr = root.lunr;
  var MARKS = /[\u0300-\u036f]/g;
  var POSSESSIVE = /['\u2019]s(?![a-z0-9])/g;
  var APOSTROPHES = /['\u2019]/g;
  var WORD = /[a-z0-9]+/g;
  var ASCII = /^[\x00-\x7f]*$/;
  var RAW_WORD = /[\p{L}\p{N}\p{M}'\u2019]+/gu;

  var EXACT_BOOST = 10; // a word itself outranks the longer words it begins
  var PREFIX_MIN = 3; // shorter words match only themselves
  var FUZZY_MIN = 4; // a typo is forgiven in words at least this long
  var RANGE_PIECES = 2; // a prefix or typo search fetches at most this many pieces of a group
  var FEW = 3; // fewer results than this and a typo is forgiven

  /** A text as lower-case ASCII words, exactly as site_src/analysis.py `words` makes them. */
  function words(text) {
    var folded = ASCII.test(text)
      ? text.toLowerCase()
      : text.normalize("NFKD").toLowerCase().replace(MARKS, "").replace(/ß/g, "ss");
    return folded.replace(POSSESSIVE, "").replace(APOSTROPHES, "").match(WORD) || [];
  }

  var termCache = new Map();

  /** The index term of one word (null for a stop word): lunr's own pipeline. */
  function term(word) {
    if (!termCache.has(word)) {
      var token = lunr.trimmer(new lunr.Token(word, {}));
      termCache.set(word, lunr.stopWordFilter(token) ? lunr.stemmer(token).toString() : null);
    }
    return termCache.get(word);
  }

  /* ---- The query language ------------------------------------------------------------------

     words            every word must match, in a title, abstract or topic name
     transcri         a word of three letters or more also matches the words it begins
     "a phrase"       the words in this order, next to each other
     topic:music      only papers in a topic (slug or name; a prefix is enough)
     -word -"a b"     leave out papers that have the word or phrase
     Anything else (lunr's own syntax, stray quotes, colons) is read as plain words. */

  function item(text, phrase) {
    var tokens = words(text).map(function (w) {
      return { word: w, term: term(w) };
    });
    return { text: text, phrase: phrase, tokens: tokens };
  }

  /** A typed query, read into required items (words and phrases), exclusions and topic filters. */
  function parse(input) {
    var query = { text: input, required: [], excluded: [], topics: [] };
    var pattern = /(-?)(?:(topics?):)?(?:"([^"]*)("?)|([^\s"]+))/gi;
    var match;
    while ((match = pattern.exec(input)) !== null) {
      var negated = match[1] === "-", field = match[2], quoted = match[3], closed = match[4], bare = match[5];
      var text = quoted !== undefined ? quoted : bare;
      if (field) {
        if (text.trim()) query.topics.push(text.trim());
        continue;
      }
      var it = item(text, quoted !== undefined);
      if (!it.tokens.length) continue;
      if (negated) {
        query.excluded.push(it);
        continue;
      }
      // the word being typed (no space after it yet, or an unclosed quote) may be unfinished
      it.open = match.index + match[0].length === input.length && !/\s$/.test(input) && !(quoted !== undefined && closed);
      if (it.phrase || it.tokens.length === 1) {
        query.required.push(it);
      } else {
        it.tokens.forEach(function (t) {
          query.required.push({ text: t.word, phrase: false, tokens: [t] });
        });
      }
    }
    query.words = [];
    query.required.forEach(function (it, i) {
      it.tokens.forEach(function (t, j) {
        if (t.term === null) return;
        var last = j === it.tokens.length - 1;
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

  /* ---- Which pieces a query needs ---------------------------------------------------------- */

  function pieceOf(group, value) {
    var pieces = group.pieces, lo = 0, hi = pieces.length - 1;
    while (lo < hi) {
      var mid = (lo + hi + 1) >> 1;
      if (pieces[mid].first <= value) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /** The pieces of a group that hold the terms beginning with `prefix`. */
  function piecesFor(group, prefix) {
    var from = pieceOf(group, prefix), to = pieceOf(group, prefix + "\uffff"), numbers = [];
    for (var n = from; n <= to; n++) numbers.push(n);
    return numbers;
  }

  /** The narrowest range a typo search looks in: a typo in the first letters is not forgiven
      where that would mean fetching more than RANGE_PIECES pieces. */
  function fuzzyPieces(group, stem) {
    for (var k = 1; k <= 3 && k < stem.length; k++) {
      var numbers = piecesFor(group, stem.slice(0, k));
      if (numbers.length <= RANGE_PIECES) return numbers;
    }
    return null;
  }

  /** For each word of a query and each group of pieces: which pieces to search, and how. */
  function plan(query, manifest, forgive) {
    function lookups(word, exclusion) {
      return manifest.groups.map(function (group) {
        var look = { exact: [pieceOf(group, word.term)], prefix: null, fuzzy: null };
        if (!exclusion && word.prefix) {
          var range = piecesFor(group, word.word);
          if (range.length <= RANGE_PIECES) look.prefix = range;
        }
        if (!exclusion && forgive && word.fuzzy) look.fuzzy = fuzzyPieces(group, word.term);
        return look;
      });
    }
    var result = {
      words: query.words.map(function (w) {
        return lookups(w, false);
      }),
      excluded: query.excluded.map(function (it) {
        return it.tokens
          .filter(function (t) {
            return t.term !== null;
          })
          .map(function (t) {
            return { word: t.word, term: t.term, looks: lookups(t, true) };
          });
      }),
      pieces: [],
    };
    var wanted = new Set();
    function want(looks) {
      looks.forEach(function (look, g) {
        [look.exact, look.prefix, look.fuzzy].forEach(function (numbers) {
          (numbers || []).forEach(function (n) {
            wanted.add(g + ":" + n);
          });
        });
      });
    }
    result.words.forEach(want);
    result.excluded.forEach(function (words) {
      words.forEach(function (w) {
        want(w.looks);
      });
    });
    result.pieces = Array.from(wanted, function (key) {
      var parts = key.split(":");
      return { group: +parts[0], number: +parts[1] };
    });
    return result;
  }

  /** The topics a `topic:` value names: by slug, or by the words their names begin with. */
  function matchTopics(value, topics) {
    var wanted = words(value);
    var slug = wanted.join("-");
    return topics.filter(function (topic) {
      if (topic.slug.indexOf(slug) === 0) return true;
      var name = words(topic.name);
      return wanted.every(function (w) {
        return name.some(function (n) {
          return n.indexOf(w) === 0;
        });
      });
    });
  }

  /* ---- Running a query over loaded pieces ------------------------------------------------- */

  /** Where one word matches: per document, the lunr score, the matched terms and their positions
      per field. `loaded(group, number)` gives a loaded piece ({index, fields}) or null. */
  function matchWord(word, looks, loaded) {
    var found = new Map();
    looks.forEach(function (look, g) {
      var numbers = new Set([].concat(look.exact, look.prefix || [], look.fuzzy || []));
      numbers.forEach(function (n) {
        var piece = loaded(g, n);
        if (!piece) return;
        var results = piece.index.query(function (q) {
          if (look.exact.indexOf(n) >= 0) {
            q.term(word.term, { fields: piece.fields, boost: EXACT_BOOST, usePipeline: false });
          }
          if (look.prefix && look.prefix.indexOf(n) >= 0) {
            q.term(word.word, {
              fields: piece.fields,
              boost: 1,
              usePipeline: false,
              wildcard: lunr.Query.wildcard.TRAILING,
            });
          }
          if (look.fuzzy && look.fuzzy.indexOf(n) >= 0) {
            q.term(word.term, { fields: piece.fields, boost: 1, usePipeline: false, editDistance: 1 });
          }
        });
        results.forEach(function (r) {
          var hit = found.get(r.ref);
          if (!hit) found.set(r.ref, (hit = { score: 0, fields: {} }));
          hit.score += r.score;
          var metadata = r.matchData.metadata;
          Object.keys(metadata).forEach(function (t) {
            Object.keys(metadata[t]).forEach(function (field) {
              var at = hit.fields[field] || (hit.fields[field] = { terms: new Set(), positions: new Set() });
              at.terms.add(t);
              (metadata[t][field].index || []).forEach(function (p) {
                at.positions.add(p);
              });
            });
          });
        });
      });
    });
    return found;
  }

  /** Whether a document has an item's words next to each other, in one field. */
  function adjacent(tokens, matches) {
    var firstField = matches[0];
    if (!firstField) return false;
    return Object.keys(firstField.fields).some(function (field) {
      var starts = firstField.fields[field].positions;
      return Array.from(starts).some(function (start) {
        return matches.every(function (m, i) {
          var at = m.fields[field];
          return at && at.positions.has(start - tokens[0].offset + tokens[i].offset);
        });
      });
    });
  }

  /** The query's results over loaded pieces: matching refs, best first, with what matched. */
  function run(query, planned, loaded, topicRefs) {
    var perWord = query.words.map(function (w, i) {
      return matchWord(w, planned.words[i], loaded);
    });
    var candidates;
    if (perWord.length) {
      candidates = Array.from(perWord[0].keys()).filter(function (ref) {
        return perWord.every(function (found) {
          return found.has(ref);
        });
      });
    } else {
      candidates = topicRefs ? Array.from(topicRefs) : [];
    }
    if (topicRefs) {
      candidates = candidates.filter(function (ref) {
        return topicRefs.has(ref);
      });
    }
    // phrases: their words next to each other, in order (stop words in between count as words)
    query.required.forEach(function (it, i) {
      var tokens = [];
      query.words.forEach(function (w, k) {
        if (w.item === i) tokens.push({ offset: w.offset, found: perWord[k] });
      });
      if (!it.phrase || tokens.length < 2) return;
      candidates = candidates.filter(function (ref) {
        return adjacent(
          tokens,
          tokens.map(function (t) {
            return t.found.get(ref);
          })
        );
      });
    });
    planned.excluded.forEach(function (words) {
      if (!words.length) return;
      var founds = words.map(function (w) {
        return matchWord(w, w.looks, loaded);
      });
      var tokens = words.map(function (w, i) {
        return { offset: i };
      });
      candidates = candidates.filter(function (ref) {
        var matches = founds.map(function (f) {
          return f.get(ref);
        });
        if (matches.some(function (m) {
          return !m;
        })) return true;
        return matches.length > 1 && !adjacent(tokens, matches);
      });
    });
    var hits = candidates.map(function (ref) {
      var hit = { ref: ref, score: 0, terms: new Set() };
      perWord.forEach(function (found) {
        var m = found.get(ref);
        hit.score += m.score;
        Object.keys(m.fields).forEach(function (field) {
          m.fields[field].terms.forEach(function (t) {
            hit.terms.add(t);
          });
        });
      });
      return hit;
    });
    hits.sort(function (a, b) {
      return b.score - a.score || parseInt(a.ref, 36) - parseInt(b.ref, 36);
    });
    return hits;
  }

  /** Whether too little was found, so that a typo should be forgiven. */
  function wantsForgiveness(query, hits) {
    return (
      hits.length < FEW &&
      query.words.some(function (w) {
        return w.fuzzy;
      })
    );
  }

  /* ---- Ranking by title, highlighting and snippets ------------------------------------------ */

  /** The terms of a text, stop words left out. */
  function termsOf(text) {
    return words(text)
      .map(term)
      .filter(function (t) {
        return t !== null;
      });
  }

  /** Whether two terms are at most one edit apart (an insertion, deletion, change or swap). */
  function near(a, b) {
    if (a === b) return true;
    if (Math.abs(a.length - b.length) > 1) return false;
    var i = 0;
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
  function titleMatch(query, title) {
    var titleTerms = Array.from(new Set(termsOf(title)));
    if (!query.words.length || !titleTerms.length) return 0;
    var extra = query.words.filter(function (w) {
      return !titleTerms.some(function (t) {
        return covers(w, t);
      });
    }).length;
    var missing = titleTerms.filter(function (t) {
      return !query.words.some(function (w) {
        return covers(w, t);
      });
    }).length;
    if (extra === 0 && missing === 0) return 2;
    return extra + missing === 1 && titleTerms.length > 2 ? 1 : 0;
  }

  /** Hits reordered so that titles the query names come first (needs their titles). */
  function rankByTitle(query, hits, titleOf) {
    return hits
      .map(function (hit, i) {
        var title = titleOf(hit.ref);
        return { hit: hit, tier: title === undefined ? 0 : titleMatch(query, title), i: i };
      })
      .sort(function (a, b) {
        return b.tier - a.tier || a.i - b.i;
      })
      .map(function (x) {
        return x.hit;
      });
  }

  /** A text cut into runs, marking the words whose terms matched: [{text, mark}]. */
  function marks(text, terms) {
    var runs = [], last = 0, match;
    RAW_WORD.lastIndex = 0;
    while ((match = RAW_WORD.exec(text)) !== null) {
      var hit = words(match[0]).some(function (w) {
        var t = term(w);
        return t !== null && terms.has(t);
      });
      if (!hit) continue;
      if (match.index > last) runs.push({ text: text.slice(last, match.index), mark: false });
      runs.push({ text: match[0], mark: true });
      last = match.index + match[0].length;
    }
    if (last < text.length) runs.push({ text: text.slice(last), mark: false });
    return runs;
  }

  /** About `length` characters of a text around its first matched word, cut at spaces, as runs. */
  function snippet(text, terms, length) {
    var runs = marks(text, terms), at = 0, start = 0;
    for (var i = 0; i < runs.length; i++) {
      if (runs[i].mark) {
        start = Math.max(0, at - Math.floor(length / 4));
        break;
      }
      at += runs[i].text.length;
    }
    if (start > 0) {
      var space = text.indexOf(" ", start);
      start = space < 0 || space > at ? start : space + 1;
    }
    var end = Math.min(text.length, start + length);
    if (end < text.length) {
      var cut = text.lastIndexOf(" ", end);
      end = cut > start ? cut : end;
    }
    var out = [], pos = 0;
    runs.forEach(function (run) {
      var from = Math.max(start, pos), to = Math.min(end, pos + run.text.length);
      if (from < to) out.push({ text: run.text.slice(from - pos, to - pos), mark: run.mark });
      pos += run.text.length;
    });
    if (start > 0) out.unshift({ text: "…", mark: false });
    if (end < text.length) out.push({ text: "…", mark: false });
    return out;
  }

  var api = {
    words: words,
    term: term,
    parse: parse,
    plan: plan,
    piecesFor: piecesFor,
    matchTopics: matchTopics,
    run: run,
    wantsForgiveness: wantsForgiveness,
    titleMatch: titleMatch,
    rankByTitle: rankByTitle,
    marks: marks,
    snippet: snippet,
  };
  root.PaperSearch = Object.assign(root.PaperSearch || {}, api);
  if (typeof module === "object" && module.exports) module.exports = api;
})(typeof self !== "undefined" ? self : globalThis);
