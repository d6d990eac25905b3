/* Paper Digest search, loading: the manifest, lunr index pieces, topic lists and store chunks,
   each fetched once per page (fingerprinted files, which the browser may cache for good), and one
   search from typed text to ranked results with what they show. Querying is search-core.js,
   rendering search-ui.js. */
(function (root) {
  "use strict";

  var PS = root.PaperSearch;

  /** Fetches the search's files, each once; a failed fetch may be retried. */
  function Loader(manifest) {
    this.files = new Map();
    this.pieces = new Map();
    this.manifest = null;
    var self = this;
    this.ready = Promise.resolve(manifest).then(function (data) {
      self.manifest = data;
      // an index of one piece per group is fetched whole at once, so the first query answers at once
      data.groups.forEach(function (group, g) {
        if (group.pieces.length === 1) self.piece(g, 0).catch(function () {});
      });
      return data;
    });
  }

  Loader.prototype.json = function (url) {
    var files = this.files;
    if (!files.has(url)) {
      files.set(
        url,
        fetch(url).then(function (response) {
          if (!response.ok) throw new Error(url + " answered " + response.status);
          return response.json();
        })
      );
      files.get(url).catch(function () {
        files.delete(url);
      });
    }
    return files.get(url);
  };

  /** A piece of the index, loaded into lunr and prepared for querying (PaperSearch.prepare). */
  Loader.prototype.piece = function (g, n) {
    var key = g + ":" + n;
    if (!this.pieces.has(key)) {
      var group = this.manifest.groups[g], pieces = this.pieces;
      var loading = this.json(group.pieces[n].url).then(function (data) {
        return PS.prepare(root.lunr.Index.load(data), group.fields);
      });
      loading.catch(function () {
        pieces.delete(key);
      });
      pieces.set(key, loading);
    }
    return this.pieces.get(key);
  };

  /** What results show of some papers, by ref, from their store chunks. */
  Loader.prototype.records = function (refs) {
    var self = this, manifest = this.manifest;
    return Promise.all(
      refs.map(function (ref) {
        var number = parseInt(ref, 36);
        return self.json(manifest.store[Math.floor(number / manifest.chunk)]).then(function (chunk) {
          return chunk[number % manifest.chunk];
        });
      })
    ).then(function (records) {
      var byRef = new Map();
      refs.forEach(function (ref, i) {
        byRef.set(ref, records[i]);
      });
      return byRef;
    });
  };

  /** Searches typed text: fetches the pieces the query needs, runs it, forgives a typo when it
      finds too little, and fetches what the first `first` results show. */
  function Searcher(loader) {
    this.loader = loader;
  }

  /** Resolves to {query, hits, terms(hit), records (by ref, for the first hits), forgiven,
      unknownTopics}. */
  Searcher.prototype.search = function (text, first) {
    var self = this, loader = this.loader, query = PS.parse(text);
    var result = {
      query: query,
      hits: [],
      terms: function () {
        return new Set();
      },
      records: new Map(),
      forgiven: false,
      unknownTopics: [],
    };
    if (query.empty) return loader.ready.then(function () {
      return result;
    });
    return loader.ready
      .then(function (manifest) {
        return self.topicRefs(query, manifest, result);
      })
      .then(function (topicRefs) {
        return self.stage(query, topicRefs, false).then(function (found) {
          if (!PS.wantsForgiveness(query, found)) return found;
          return self.stage(query, topicRefs, true).then(function (forgiven) {
            result.forgiven = forgiven.hits.length > found.hits.length;
            return forgiven;
          });
        });
      })
      .then(function (found) {
        var hits = found.hits, top = hits.slice(0, first);
        result.terms = found.terms;
        return loader.records(top.map(function (h) {
          return h.ref;
        })).then(function (records) {
          result.records = records;
          // titles the query names come first (among the first results, whose titles are known)
          result.hits = PS.rankByTitle(query, top, function (ref) {
            return records.get(ref).title;
          }).concat(hits.slice(first));
          return result;
        });
      });
  };

  Searcher.prototype.stage = function (query, topicRefs, forgive) {
    var loader = this.loader, planned = PS.plan(query, loader.manifest, forgive);
    return Promise.all(
      planned.pieces.map(function (p) {
        return loader.piece(p.group, p.number);
      })
    ).then(function (loaded) {
      var byKey = new Map();
      planned.pieces.forEach(function (p, i) {
        byKey.set(p.group + ":" + p.number, loaded[i]);
      });
      var loaded = function (g, n) {
        return byKey.get(g + ":" + n) || null;
      };
      return PS.run(query, planned, loaded, topicRefs, loader.manifest.count);
    });
  };

  /** The refs `topic:` filters allow (each filter narrows; null when there are none). */
  Searcher.prototype.topicRefs = function (query, manifest, result) {
    var loader = this.loader;
    if (!query.topics.length) return Promise.resolve(null);
    return Promise.all(
      query.topics.map(function (value) {
        var topics = PS.matchTopics(value, manifest.topics);
        if (!topics.length) result.unknownTopics.push(value);
        return Promise.all(
          topics.map(function (t) {
            return loader.json(t.members);
          })
        ).then(function (lists) {
          return new Set([].concat.apply([], lists));
        });
      })
    ).then(function (sets) {
      return sets.reduce(function (allowed, set) {
        return new Set(
          Array.from(allowed).filter(function (ref) {
            return set.has(ref);
          })
        );
      });
    });
  };

  /** What the results from `start` show, by ref (for "Show more"). */
  Searcher.prototype.more = function (result, start, count) {
    return this.loader.records(
      result.hits.slice(start, start + count).map(function (h) {
        return h.ref;
      })
    );
  };

  PS.Loader = Loader;
  PS.Searcher = Searcher;
})(typeof self !== "undefined" ? self : globalThis);
