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
  var STEM_MIN = 5; // the shortest beginning of a typed word tried as a stem
  var SHORTER = 3; // how many letters shorter than the typed word a stem may be
  var SHORTER_FORGIVEN = 4; // the same, when forgiving a typo (in the letters a stemmer drops)
  var FEW = 3; // fewer results than this and a typo is forgiven
  var LOOKUP_COST = 20; // looking a paper up in a posting costs about this many postings read in order

  /** A text as lower-case ASCII words, exactly as site_src/analysis.py `words` makes them. */
  function words(text) {
    var folded = ASCII.test(text)
      ? text.toLowerCase()
      : text.normalize("NFKD").toLowerCase().replace(MARKS, "").replace(/\u00df/g, "ss");
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
     -word -"a b"     leave out papers that have the word or phrase (-topic:music, of a topic)
     Anything else (lunr's own syntax, stray quotes, colons) is read as plain words. */

  function item(text, phrase) {
    var tokens = words(text).map(function (w) {
      return { word: w, term: term(w) };
    });
    return { text: text, phrase: phrase, tokens: tokens };
  }

  /** A typed query, read into required items (words and phrases), exclusions and topic filters. */
  function parse(input) {
    var query = { text: input, required: [], excluded: [], topics: [], notTopics: [] };
    var pattern = /(-?)(?:(topics?):)?(?:"([^"]*)("?)|([^\s"]+))/gi;
    var match;
    while ((match = pattern.exec(input)) !== null) {
      var negated = match[1] === "-", field = match[2], quoted = match[3], closed = match[4], bare = match[5];
      var text = quoted !== undefined ? quoted : bare;
      if (field) {
        if (text.trim()) (negated ? query.notTopics : query.topics).push(text.trim());
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

  /** A typed word's beginnings that may be the stem of the word it begins (memoriz → memor, the
      stem of "memorized"), longest first: down to `cut` letters fewer, never under STEM_MIN. */
  function shorterStems(word, cut) {
    var stems = [];
    for (var k = word.length - 1; k >= Math.max(STEM_MIN, word.length - cut); k--) stems.push(word.slice(0, k));
    return stems;
  }

  /** For each word of a query and each group of pieces, the lunr clauses to run and the pieces
      to run them on: the word's term (weighing most), the words it begins, stems it may begin
      with, and, when forgiving, terms one typo away. */
  function plan(query, manifest, forgive) {
    function lookups(word, exclusion) {
      return manifest.groups.map(function (group) {
        var look = [{ pieces: [pieceOf(group, word.term)], clause: { term: word.term, boost: EXACT_BOOST } }];
        if (exclusion) return look;
        if (word.prefix) {
          var range = piecesFor(group, word.word);
          if (range.length <= RANGE_PIECES) look.push({ pieces: range, clause: { term: word.word, boost: 1, wildcard: true } });
          shorterStems(word.word, forgive ? SHORTER_FORGIVEN : SHORTER).forEach(function (stem) {
            look.push({ pieces: [pieceOf(group, stem)], clause: { term: stem, boost: 1 } });
          });
        }
        if (forgive && word.fuzzy) {
          var near = fuzzyPieces(group, word.term);
          if (near) look.push({ pieces: near, clause: { term: word.term, boost: 1, editDistance: 1 } });
        }
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
        look.forEach(function (entry) {
          entry.pieces.forEach(function (n) {
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

  /** The terms of a piece a clause matches: lunr's own term expansion (exact, prefix or typo). */
  function expand(piece, clause) {
    var wanted = clause.editDistance
      ? lunr.TokenSet.fromFuzzyString(clause.term, clause.editDistance)
      : lunr.TokenSet.fromString(clause.wildcard ? clause.term + "*" : clause.term);
    return piece.index.tokenSet.intersect(wanted).toArray();
  }

  /** A loaded piece ready to query: its lunr index, its fields, its document vectors by field
      then ref (lunr keys them "field/ref"), and how many postings each term has. */
  function prepare(index, fields) {
    var vectors = {}, sizes = Object.create(null);
    fields.forEach(function (field) {
      vectors[field] = Object.create(null);
    });
    Object.keys(index.fieldVectors).forEach(function (key) {
      var cut = key.indexOf("/");
      vectors[key.slice(0, cut)][key.slice(cut + 1)] = index.fieldVectors[key];
    });
    Object.keys(index.invertedIndex).forEach(function (t) {
      var posting = index.invertedIndex[t], size = 0;
      fields.forEach(function (field) {
        size += Object.keys(posting[field]).length;
      });
      sizes[t] = size;
    });
    return { index: index, fields: fields, vectors: vectors, sizes: sizes, postings: {} };
  }

  /** A term's weight in one document's field: the value lunr's document vector holds for it. */
  function weight(vector, termIndex) {
    var at = vector.positionForIndex(termIndex);
    return vector.elements[at] === termIndex ? vector.elements[at + 1] : 0;
  }

  /** A term's postings in one field as typed arrays (paper numbers and weights), made once. */
  function postingsOf(piece, field, t) {
    var key = field + "/" + t, found = piece.postings[key];
    if (!found) {
      var posting = piece.index.invertedIndex[t], refs = Object.keys(posting[field]), vectors = piece.vectors[field];
      found = piece.postings[key] = { docs: new Int32Array(refs.length), weights: new Float64Array(refs.length) };
      refs.forEach(function (ref, i) {
        found.docs[i] = parseInt(ref, 36);
        found.weights[i] = weight(vectors[ref], posting._index);
      });
    }
    return found;
  }

  /** What one word asks of each piece: the terms its clauses expand to (lunr's own expansion), the
      query vector's value for each, and the number of postings it would visit. */
  function expansionsOf(looks, loaded) {
    var expansions = [];
    looks.forEach(function (look, g) {
      var clauses = new Map();
      look.forEach(function (entry) {
        entry.pieces.forEach(function (n) {
          if (!clauses.has(n)) clauses.set(n, []);
          clauses.get(n).push(entry.clause);
        });
      });
      clauses.forEach(function (wanted, n) {
        var piece = loaded(g, n);
        if (!piece) return;
        var boosts = new Map(), terms = [], inverted = piece.index.invertedIndex;
        wanted.forEach(function (clause) {
          expand(piece, clause).forEach(function (t) {
            var index = inverted[t]._index;
            if (!boosts.has(index)) terms.push(t);
            boosts.set(index, (boosts.get(index) || 0) + clause.boost);
          });
        });
        if (!terms.length) return;
        var length = 0, size = 0;
        boosts.forEach(function (boost) {
          length += boost * boost;
        });
        length = Math.sqrt(length);
        var q = terms.map(function (t) {
          size += piece.sizes[t];
          return boosts.get(inverted[t]._index) / length;
        });
        expansions.push({ piece: piece, terms: terms, q: q, size: size });
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
    var word = { score: new Float64Array(count), has: new Uint8Array(count), docs: [], expansions: expansions };
    var size = expansions.reduce(function (sum, e) {
      return sum + e.size;
    }, 0);
    var score = word.score, has = word.has;
    var lookups = expansions.reduce(function (sum, e) {
      return sum + e.terms.length * e.piece.fields.length;
    }, 0);
    if (within && within.numbers.length * lookups * LOOKUP_COST < size) {
      expansions.forEach(function (e) {
        e.piece.fields.forEach(function (field) {
          var vectors = e.piece.vectors[field];
          e.terms.forEach(function (t, k) {
            var posting = e.piece.index.invertedIndex[t], refs = posting[field];
            within.numbers.forEach(function (n, i) {
              var ref = within.refs[i];
              if (refs[ref]) {
                has[n] = 1;
                score[n] += e.q[k] * weight(vectors[ref], posting._index);
              }
            });
          });
        });
      });
      word.docs = within.numbers.filter(function (n) {
        return has[n];
      });
      return word;
    }
    var docs = word.docs;
    expansions.forEach(function (e) {
      e.piece.fields.forEach(function (field) {
        e.terms.forEach(function (t, k) {
          var p = postingsOf(e.piece, field, t), q = e.q[k], numbers = p.docs, weights = p.weights;
          for (var i = 0; i < numbers.length; i++) {
            var n = numbers[i];
            if (!has[n]) {
              has[n] = 1;
              docs.push(n);
            }
            score[n] += q * weights[i];
          }
        });
      });
    });
    return word;
  }

  /** A set of paper numbers with their refs, for matchWord's lookups. */
  function within(numbers) {
    return {
      numbers: numbers,
      refs: numbers.map(function (n) {
        return n.toString(36);
      }),
    };
  }

  /** What a word matched in one paper: [{field, term, posting}]. */
  function matchesOf(word, n) {
    var ref = n.toString(36), matches = [];
    word.expansions.forEach(function (expansion) {
      expansion.piece.fields.forEach(function (field) {
        expansion.terms.forEach(function (t) {
          var posting = expansion.piece.index.invertedIndex[t][field][ref];
          if (posting) matches.push({ field: field, term: t, posting: posting });
        });
      });
    });
    return matches;
  }

  var NOWHERE = [];

  /** The positions of a word's matched terms in one field of a paper (ref). */
  function placesOf(word, ref, field) {
    var places = NOWHERE;
    word.expansions.forEach(function (e) {
      if (e.piece.fields.indexOf(field) < 0) return;
      e.terms.forEach(function (t) {
        var match = e.piece.index.invertedIndex[t][field][ref];
        if (match && match.index) places = places === NOWHERE ? match.index : places.concat(match.index);
      });
    });
    return places;
  }

  /** Whether a paper has an item's words next to each other, in one field. */
  function adjacent(offsets, found, n) {
    var ref = n.toString(36), fields = new Set();
    found[0].expansions.forEach(function (e) {
      e.piece.fields.forEach(fields.add, fields);
    });
    return Array.from(fields).some(function (field) {
      var first = placesOf(found[0], ref, field);
      if (!first.length) return false;
      var rest = found.slice(1).map(function (word) {
        return placesOf(word, ref, field);
      });
      return first.some(function (start) {
        return rest.every(function (places, i) {
          return places.indexOf(start - offsets[0] + offsets[i + 1]) >= 0;
        });
      });
    });
  }

  /** A query run over loaded pieces: `hits` ({ref, score}, best first, newer first on ties), and
      what each hit matched, worked out when asked: `terms(hit)`, `exact(hit)`. `topics` holds
      the refs the topic filters allow (`allowed`, null for any) and leave out (`left`). */
  function run(query, planned, loaded, topics, count) {
    var allowed = topics && topics.allowed, left = topics && topics.left;
    // the rarest word first; each next word is looked up only in the papers left
    var asked = planned.words.map(function (looks) {
      return expansionsOf(looks, loaded);
    });
    var order = asked
      .map(function (expansions, i) {
        return { i: i, size: expansions.reduce(function (sum, e) {
          return sum + e.size;
        }, 0) };
      })
      .sort(function (a, b) {
        return a.size - b.size;
      });
    var perWord = new Array(asked.length), candidates = null;
    order.forEach(function (o) {
      var word = (perWord[o.i] = matchWord(asked[o.i], count, candidates && within(candidates)));
      candidates =
        candidates === null
          ? word.docs
          : candidates.filter(function (n) {
              return word.has[n];
            });
    });
    if (!perWord.length) {
      candidates = allowed
        ? Array.from(allowed, function (ref) {
            return parseInt(ref, 36);
          })
        : [];
    }
    if (allowed || left) {
      candidates = candidates.filter(function (n) {
        var ref = n.toString(36);
        return (!allowed || allowed.has(ref)) && !(left && left.has(ref));
      });
    }
    // phrases: their words next to each other, in order (stop words in between count as words)
    query.required.forEach(function (it, i) {
      var offsets = [], found = [];
      query.words.forEach(function (w, k) {
        if (w.item === i) {
          offsets.push(w.offset);
          found.push(perWord[k]);
        }
      });
      if (!it.phrase || found.length < 2) return;
      candidates = candidates.filter(function (n) {
        return adjacent(offsets, found, n);
      });
    });
    planned.excluded.forEach(function (words) {
      if (!words.length || !candidates.length) return;
      var left = within(candidates);
      var found = words.map(function (w) {
        return matchWord(expansionsOf(w.looks, loaded), count, left);
      });
      var offsets = words.map(function (w, i) {
        return i;
      });
      candidates = candidates.filter(function (n) {
        var all = found.every(function (word) {
          return word.has[n];
        });
        return !all || (found.length > 1 && !adjacent(offsets, found, n));
      });
    });
    var total = new Float64Array(count);
    perWord.forEach(function (word) {
      candidates.forEach(function (n) {
        total[n] += word.score[n];
      });
    });
    var order = Int32Array.from(candidates).sort(function (a, b) {
      return total[b] - total[a] || b - a; // ties: the paper first listed more recently
    });
    var hits = Array.from(order, function (n) {
      return { ref: n.toString(36), number: n, score: total[n] };
    });
    return {
      hits: hits,
      terms: function (hit) {
        var terms = new Set();
        perWord.forEach(function (word) {
          matchesOf(word, hit.number).forEach(function (m) {
            terms.add(m.term);
          });
        });
        return terms;
      },
      exact: function (hit) {
        return perWord.every(function (word, i) {
          var w = query.words[i];
          return matchesOf(word, hit.number).some(function (m) {
            return m.term === w.term || (w.prefix && m.term.indexOf(w.word) === 0);
          });
        });
      },
    };
  }

  /** Whether too little was found with every word matched as typed (exactly, or as the beginning
      of a word), so that a typo should be forgiven. */
  function wantsForgiveness(query, found) {
    if (
      !query.words.some(function (w) {
        return w.fuzzy;
      })
    )
      return false;
    var exact = 0;
    for (var i = 0; i < found.hits.length && exact < FEW; i++) if (found.exact(found.hits[i])) exact++;
    return exact < FEW;
  }

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

  /** A text cut into runs, marking the words whose terms matched: [{text, mark, terms}]. */
  function marks(text, terms) {
    var runs = [], last = 0, match;
    RAW_WORD.lastIndex = 0;
    while ((match = RAW_WORD.exec(text)) !== null) {
      var matched = words(match[0])
        .map(term)
        .filter(function (t) {
          return t !== null && terms.has(t);
        });
      if (!matched.length) continue;
      if (match.index > last) runs.push({ text: text.slice(last, match.index), mark: false });
      runs.push({ text: match[0], mark: true, terms: matched });
      last = match.index + match[0].length;
    }
    if (last < text.length) runs.push({ text: text.slice(last), mark: false });
    return runs;
  }

  /** About `length` characters of a text where most of the matched terms are (those the title
      does not already show counting most), cut at spaces, as runs: [{text, mark}]. */
  function snippet(text, terms, length, title) {
    var shown = new Set();
    marks(title || "", terms).forEach(function (run) {
      (run.terms || []).forEach(shown.add, shown);
    });
    var runs = marks(text, terms), found = [], at = 0;
    runs.forEach(function (run) {
      if (run.mark) found.push({ at: at, terms: run.terms });
      at += run.text.length;
    });
    var lead = Math.floor(length / 5), start = 0, best = 0;
    found.forEach(function (f) {
      var from = Math.max(0, f.at - lead), seen = new Set(), worth = 0;
      found.forEach(function (g) {
        if (g.at >= from && g.at < from + length - lead) g.terms.forEach(seen.add, seen);
      });
      seen.forEach(function (t) {
        worth += shown.has(t) ? 1 : 3;
      });
      if (worth > best) {
        best = worth;
        start = from;
      }
    });
    if (start > 0) {
      var space = text.indexOf(" ", start);
      if (space >= 0 && space < start + lead) start = space + 1;
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
    prepare: prepare,
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
