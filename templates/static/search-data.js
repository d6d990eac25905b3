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
    this.loaded = new Set();
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
      var group = this.manifest.groups[g], pieces = this.pieces, loaded = this.loaded;
      var loading = this.json(group.pieces[n].url).then(function (data) {
        loaded.add(key);
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
        var n = Math.floor(number / manifest.chunk), store = manifest.store;
        var url = store.url.replace("{n}", n).replace("{hash}", store.hashes[n]);
        return self.json(url).then(function (chunk) {
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
      unknownTopics, partial}. When abstracts the query needs are still to be fetched, `early`
      is first called with the results from titles and topic names alone (partial: true). */
  Searcher.prototype.search = function (text, first, early) {
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
      partial: false,
    };
    if (query.empty) return loader.ready.then(function () {
      return result;
    });
    return loader.ready
      .then(function (manifest) {
        return self.topicRefs(query, manifest, result);
      })
      .then(function (topicRefs) {
        var waiting = PS.plan(query, loader.manifest, false).pieces.some(function (p) {
          return p.group > 0 && !loader.loaded.has(p.group + ":" + p.number);
        });
        if (early && waiting) {
          self
            .stage(query, topicRefs, false, 1)
            .then(function (found) {
              return self.finish(Object.assign({}, result, { partial: true }), found, first);
            })
            .then(function (partial) {
              if (!result.done) early(partial);
            })
            .catch(function () {}); // the whole search reports what went wrong
        }
        return self.stage(query, topicRefs, false).then(function (found) {
          if (!PS.wantsForgiveness(query, found)) return found;
          return self.stage(query, topicRefs, true).then(function (forgiven) {
            result.forgiven = forgiven.hits.length > found.hits.length;
            return forgiven;
          });
        });
      })
      .then(function (found) {
        return self.finish(result, found, first);
      })
      .then(function (done) {
        done.done = true;
        return done;
      });
  };

  /** A result completed with what its first hits show, titles the query names first. */
  Searcher.prototype.finish = function (result, found, first) {
    var hits = found.hits, top = hits.slice(0, first);
    result.terms = found.terms;
    return this.loader
      .records(
        top.map(function (h) {
          return h.ref;
        })
      )
      .then(function (records) {
        result.records = records;
        // titles the query names come first (among the first results, whose titles are known)
        result.hits = PS.rankByTitle(result.query, top, function (ref) {
          return records.get(ref).title;
        }).concat(hits.slice(first));
        return result;
      });
  };

  /** The query run on the pieces it needs (of the first `groups` groups only, when given). */
  Searcher.prototype.stage = function (query, topicRefs, forgive, groups) {
    var loader = this.loader, planned = PS.plan(query, loader.manifest, forgive);
    var pieces = planned.pieces.filter(function (p) {
      return groups === undefined || p.group < groups;
    });
    return Promise.all(
      pieces.map(function (p) {
        return loader.piece(p.group, p.number);
      })
    ).then(function (loaded) {
      var byKey = new Map();
      pieces.forEach(function (p, i) {
        byKey.set(p.group + ":" + p.number, loaded[i]);
      });
      var lookup = function (g, n) {
        return byKey.get(g + ":" + n) || null;
      };
      return PS.run(query, planned, lookup, topicRefs, loader.manifest.count);
    });
  };

  /** The refs of the papers in the topics each value names. */
  Searcher.prototype.members = function (values, manifest, result) {
    var loader = this.loader;
    return Promise.all(
      values.map(function (value) {
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
    );
  };

  /** What `topic:` filters allow (each narrows; null for any) and `-topic:` ones leave out. */
  Searcher.prototype.topicRefs = function (query, manifest, result) {
    if (!query.topics.length && !query.notTopics.length) return Promise.resolve(null);
    return Promise.all([
      this.members(query.topics, manifest, result),
      this.members(query.notTopics, manifest, result),
    ]).then(function (found) {
      var allowed = found[0].length
        ? found[0].reduce(function (kept, set) {
            return new Set(
              Array.from(kept).filter(function (ref) {
                return set.has(ref);
              })
            );
          })
        : null;
      var left = new Set();
      found[1].forEach(function (set) {
        set.forEach(left.add, left);
      });
      return { allowed: allowed, left: left };
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
