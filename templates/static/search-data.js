/* Paper Digest search, data: the manifest, lunr index pieces, topic lists and store chunks, each
   fetched once per page (fingerprinted files, which the browser may cache for good), and one search
   from typed text to ranked results with what they show. Reading the query is search-query.js,
   choosing pieces search-plan.js, scoring search-score.js, showing results search-results.js and
   search-ui.js. lunr.Index is read from the global `lunr` (a classic script) when a piece loads. */

import { plan } from "./search-plan.js";
import { matchTopics, parse } from "./search-query.js";
import { prepare, rankByTitle, run, wantsForgiveness } from "./search-score.js";

/** Resolves in a later task: the browser may paint and handle input in between. */
function nextTask() {
  const scheduler = globalThis.scheduler;
  if (scheduler && typeof scheduler.yield === "function") return scheduler.yield();
  return new Promise((resolve) => {
    setTimeout(resolve, 0);
  });
}

/** Fetches the search's files, each once; a failed fetch may be retried. */
export class Loader {
  constructor(manifest) {
    this.files = new Map();
    this.pieces = new Map();
    this.loaded = new Set();
    this.manifest = null;
    this.ready = Promise.resolve(manifest).then((data) => {
      this.manifest = data;
      this.prefetch(1); // the titles, which answer first
      return data;
    });
  }

  /** Fetches at once the groups (of the first `groups`, when given) held in one piece each, so
      that queries answer at once. The titles come first; the abstracts, much larger, when the box
      is focused or the first results show (search-ui.js), so as not to slow those down. */
  prefetch(groups) {
    this.manifest.groups.forEach((group, g) => {
      if (group.pieces.length === 1 && (groups === undefined || g < groups)) this.piece(g, 0).catch(() => {});
    });
  }

  json(url) {
    const files = this.files;
    if (!files.has(url)) {
      files.set(
        url,
        fetch(url).then((response) => {
          if (!response.ok) throw new Error(url + " answered " + response.status);
          return response.json();
        })
      );
      files.get(url).catch(() => {
        files.delete(url);
      });
    }
    return files.get(url);
  }

  /** A piece of the index, loaded into lunr and prepared for querying (search-score.js `prepare`). */
  piece(g, n) {
    const key = g + ":" + n;
    if (!this.pieces.has(key)) {
      const group = this.manifest.groups[g];
      const { pieces, loaded } = this;
      // reading a piece into lunr takes tens of milliseconds: a task of its own, apart from the
      // JSON's parsing and from preparing it, so that the page stays responsive meanwhile
      const loading = this.json(group.pieces[n].url)
        .then((data) => {
          loaded.add(key);
          return nextTask().then(() => globalThis.lunr.Index.load(data));
        })
        .then((index) => nextTask().then(() => prepare(index, group.fields)));
      loading.catch(() => {
        pieces.delete(key);
      });
      pieces.set(key, loading);
    }
    return this.pieces.get(key);
  }

  /** What results show of some papers, by ref, from their store chunks. */
  records(refs) {
    const manifest = this.manifest;
    return Promise.all(
      refs.map((ref) => {
        const number = parseInt(ref, 36);
        const n = Math.floor(number / manifest.chunk);
        const store = manifest.store;
        const url = store.url.replace("{n}", n).replace("{hash}", store.hashes[n]);
        return this.json(url).then((chunk) => chunk[number % manifest.chunk]);
      })
    ).then((records) => {
      const byRef = new Map();
      refs.forEach((ref, i) => {
        byRef.set(ref, records[i]);
      });
      return byRef;
    });
  }
}

/** Searches typed text: fetches the pieces the query needs, runs it, forgives a typo when it
    finds too little, and fetches what the first `first` results show. */
export class Searcher {
  constructor(loader) {
    this.loader = loader;
  }

  /** Resolves to {query, hits, terms(hit), records (by ref, for the first hits), forgiven,
      unknownTopics, partial}. When abstracts the query needs are still to be fetched, `early`
      is first called with the results from titles and topic names alone (partial: true), and
      the abstracts are asked for once those have what they show: the first results then do not
      share the network with the largest pieces. */
  search(text, first, early) {
    const loader = this.loader;
    const query = parse(text);
    const result = {
      query,
      hits: [],
      terms: () => new Set(),
      records: new Map(),
      forgiven: false,
      unknownTopics: [],
      partial: false,
    };
    if (query.empty) return loader.ready.then(() => result);
    return loader.ready
      .then((manifest) => this.topicRefs(query, manifest, result))
      .then((topicRefs) => {
        const waiting = plan(query, loader.manifest, false).pieces.some(
          (p) => p.group > 0 && !loader.loaded.has(p.group + ":" + p.number)
        );
        let titlesFirst = Promise.resolve();
        if (early && waiting) {
          titlesFirst = this.stage(query, topicRefs, false, 1)
            .then((found) => this.finish({ ...result, partial: true }, found, first))
            .then((partial) => {
              if (!result.done) early(partial);
            })
            .catch(() => {}); // the whole search reports what went wrong
        }
        return titlesFirst.then(() => this.stage(query, topicRefs, false)).then((found) => {
          if (!wantsForgiveness(query, found)) return found;
          return this.stage(query, topicRefs, true).then((forgiven) => {
            result.forgiven = forgiven.hits.length > found.hits.length;
            return forgiven;
          });
        });
      })
      .then((found) => this.finish(result, found, first))
      .then((done) => {
        done.done = true;
        return done;
      });
  }

  /** A result completed with what its first hits show, titles the query names first. */
  finish(result, found, first) {
    const hits = found.hits;
    const top = hits.slice(0, first);
    result.terms = found.terms;
    return this.loader
      .records(top.map((h) => h.ref))
      .then((records) => {
        result.records = records;
        // titles the query names come first (among the first results, whose titles are known)
        result.hits = rankByTitle(result.query, top, (ref) => records.get(ref).title).concat(hits.slice(first));
        return result;
      });
  }

  /** The query run on the pieces it needs (of the first `groups` groups only, when given). */
  stage(query, topicRefs, forgive, groups) {
    const loader = this.loader;
    const planned = plan(query, loader.manifest, forgive);
    const pieces = planned.pieces.filter((p) => groups === undefined || p.group < groups);
    return Promise.all(pieces.map((p) => loader.piece(p.group, p.number))).then((loaded) => {
      const byKey = new Map();
      pieces.forEach((p, i) => {
        byKey.set(p.group + ":" + p.number, loaded[i]);
      });
      const lookup = (g, n) => byKey.get(g + ":" + n) || null;
      return run(query, planned, lookup, topicRefs, loader.manifest.count);
    });
  }

  /** The refs of the papers in the topics each value names. */
  members(values, manifest, result) {
    const loader = this.loader;
    return Promise.all(
      values.map((value) => {
        const topics = matchTopics(value, manifest.topics);
        if (!topics.length) result.unknownTopics.push(value);
        return Promise.all(topics.map((t) => loader.json(t.members))).then((lists) => new Set(lists.flat()));
      })
    );
  }

  /** What `topic:` filters allow (each narrows; null for any) and `-topic:` ones leave out. */
  topicRefs(query, manifest, result) {
    if (!query.topics.length && !query.notTopics.length) return Promise.resolve(null);
    return Promise.all([
      this.members(query.topics, manifest, result),
      this.members(query.notTopics, manifest, result),
    ]).then(([allowing, leaving]) => {
      const allowed = allowing.length
        ? allowing.reduce((kept, set) => new Set(Array.from(kept).filter((ref) => set.has(ref))))
        : null;
      const left = new Set();
      for (const set of leaving) for (const ref of set) left.add(ref);
      return { allowed, left };
    });
  }

  /** What the results from `start` show, by ref (for "Show more"). */
  more(result, start, count) {
    return this.loader.records(result.hits.slice(start, start + count).map((h) => h.ref));
  }
}
