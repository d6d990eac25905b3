/* Paper Digest search, data: the manifest, lunr index pieces, paper lists and store chunks, each
   fetched once per page (fingerprinted files, which the browser may cache for good), and one search
   from typed text to ranked results with what they show. Reading the query is search-query.js,
   choosing pieces search-plan.js, scoring search-score.js, showing results search-results.js and
   search-ui.js. lunr.Index is read from the global `lunr` (a classic script) when a piece loads. */

import { plan } from "./search-plan.85882bcf67.js";
import { matchHas, matchMonths, matchTopics, parse, withoutUnfinished } from "./search-query.98ef2aee5b.js";
import { prepare, rankByTitle, run, wantsForgiveness } from "./search-score.d61f50b7fb.js";

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
    this.lists = new Map();
    this.pieces = new Map();
    this.loaded = new Set();
    this.manifest = null;
    this.ready = Promise.resolve(manifest).then((data) => {
      this.manifest = data;
      this.prefetch(data.first); // the titles, which answer first
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

  /** Each paper's place among equals (manifest `order`: the numbers in that order, as runs): by
      its newest listing, the newest day first, and within a day the curator's order, as the digest
      pages list them. */
  tieOrder() {
    if (!this.order) {
      const order = (this.order = new Int32Array(this.manifest.count));
      let place = 0;
      for (const run of this.manifest.order) {
        const [first, last] = Array.isArray(run) ? run : [run, run];
        for (let n = first; n <= last; n++) order[n] = place++;
      }
    }
    return this.order;
  }

  /** A paper list (a topic's, a month's, has:'s) as a Set of paper numbers. Lists are written as
      runs: a number alone, or [first, last] for consecutive numbers. */
  list(url) {
    if (!this.lists.has(url)) {
      const lists = this.lists;
      const loading = this.json(url).then((runs) => {
        const numbers = new Set();
        for (const run of runs) {
          if (typeof run === "number") numbers.add(run);
          else for (let n = run[0]; n <= run[1]; n++) numbers.add(n);
        }
        return numbers;
      });
      loading.catch(() => {
        lists.delete(url);
      });
      lists.set(url, loading);
    }
    return this.lists.get(url);
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

  /** Resolves to {query, hits, terms(hit), authorTerms(hit), records (by ref, for the first
      hits), forgiven, unknown (the filter values that name nothing: {topics, authors, dates,
      has}), partial, and `dropped`, the unfinished last word left out, if it was}. When abstracts the query needs are still to be fetched, `early` is first
      called with the results from titles, topic names and authors alone (partial: true), and the
      abstracts are asked for once those have what they show: the first results then do not share
      the network with the largest pieces. A query that finds nothing while its last word is
      still being typed and too short to be a beginning ("lottery t") gives the results without
      that word, its `query` saying so (`early` may then be called for each query, but never with
      nothing found for the first). */
  search(text, first, early) {
    const shorter = withoutUnfinished(text);
    if (shorter === null) return this.searchJoinedOrParts(text, first, early);
    // results don't vanish mid-word: an early result of nothing is not shown while `shorter` may follow
    const hopeful = early && ((partial) => partial.hits.length && early(partial));
    return this.searchJoinedOrParts(text, first, hopeful).then((result) =>
      result.hits.length
        ? result
        : this.searchAs(shorter, first, early).then((without) => ({ ...without, dropped: text.slice(shorter.length) }))
    );
  }

  /** `searchAs`, a hyphenated compound asked for joined (pre-training as pretraining, which the
      index holds for both spellings where papers write it joined); unless that matches as typed, asked
      for as its parts, as before (state-of-the-art finds "state of the art"; a typo forgiven in
      the joined word, xvector as vector, is not taken). */
  searchJoinedOrParts(text, first, early) {
    if (!parse(text).joined) return this.searchAs(text, first, early);
    const hopeful = early && ((partial) => partial.hits.length && early(partial));
    const parts = (result) =>
      result.hits.length && !result.forgiven ? result : this.searchAs(text, first, early, true);
    return this.searchAs(text, first, hopeful).then((result) => {
      if (result.hits.length && !result.forgiven) return result;
      // large-scale pre-training: large-scale as its words, pretraining still joined
      const unwritten = new Set(result.unwritten);
      return unwritten.size ? this.searchAs(text, first, hopeful, unwritten).then(parts) : parts(result);
    });
  }

  /** `search` for the query as written (hyphenated compounds as their words: `parts`, see `parse`). */
  searchAs(text, first, early, parts) {
    const loader = this.loader;
    const query = parse(text, parts);
    const result = {
      query,
      hits: [],
      terms: () => new Set(),
      authorTerms: () => new Set(),
      records: new Map(),
      forgiven: false,
      unknown: { topics: [], authors: [], dates: [], has: [], ids: [] },
      partial: false,
    };
    if (query.empty) return loader.ready.then(() => result);
    return loader.ready
      .then((manifest) => this.listRefs(query, manifest, result.unknown))
      .then((lists) => {
        const titles = loader.manifest.first; // the groups of titles come first
        const waiting = plan(query, loader.manifest, false).pieces.some(
          (p) => p.group >= titles && !loader.loaded.has(p.group + ":" + p.number)
        );
        let titlesFirst = Promise.resolve();
        if (early && waiting) {
          titlesFirst = this.stage(query, lists, false, titles)
            .then((found) => this.finish({ ...result, partial: true }, found, first))
            .then((partial) => {
              if (!result.done) early(partial);
            })
            .catch(() => {}); // the whole search reports what went wrong
        }
        return titlesFirst.then(() => this.stage(query, lists, false)).then((found) => {
          if (!wantsForgiveness(query, found)) return found;
          return this.stage(query, lists, true).then((forgiven) => {
            result.forgiven = forgiven.hits.length > found.hits.length;
            return { ...forgiven, unwritten: found.unwritten }; // a typo's terms are not the compound's
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
    result.authorTerms = found.authorTerms;
    result.unknown = { ...result.unknown, authors: found.unknownAuthors };
    result.unwritten = found.unwritten || [];
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
  stage(query, lists, forgive, groups) {
    const loader = this.loader;
    const planned = plan(query, loader.manifest, forgive);
    const pieces = planned.pieces.filter((p) => groups === undefined || p.group < groups);
    return Promise.all(pieces.map((p) => loader.piece(p.group, p.number))).then((loaded) => {
      const byKey = new Map();
      pieces.forEach((p, i) => {
        byKey.set(p.group + ":" + p.number, loaded[i]);
      });
      const lookup = (g, n) => byKey.get(g + ":" + n) || null;
      return run(query, planned, lookup, lists, loader.manifest.count, loader.tieOrder());
    });
  }

  /** For each value of one kind of filter, the numbers of the papers in the lists it names
      (the union of them); `named(value)` gives those lists' addresses, and a value that names
      none is noted in `unknown`. */
  members(values, named, unknown) {
    const loader = this.loader;
    return Promise.all(
      values.map((value) => {
        const urls = named(value);
        if (!urls.length) unknown.push(value);
        return Promise.all(urls.map((url) => loader.list(url))).then((sets) => {
          if (sets.length === 1) return sets[0];
          const union = new Set();
          for (const set of sets) for (const n of set) union.add(n);
          return union;
        });
      })
    );
  }

  /** What the list filters allow (`allowed`: in every list a filter names, null for any) and
      leave out (`left`: in any list a negated filter names), as paper numbers: topic:, year:,
      month:, has:, arXiv identifiers and their negations. */
  listRefs(query, manifest, unknown) {
    const months = (manifest.months || []).map((m) => m.month);
    const monthUrl = new Map((manifest.months || []).map((m) => [m.month, m.members]));
    const hasUrl = new Map((manifest.has || []).map((h) => [h.name, h.members]));
    const idUrl = new Map((manifest.arxiv || []).map((a) => [a.year, a.members]));
    // an identifier's paper, from its year's file: a list of one, or of none (unknown)
    const ids = (values, notes) =>
      Promise.all(
        values.map((id) => {
          const url = idUrl.get(id.slice(0, 2));
          return (url ? this.loader.json(url) : Promise.resolve({})).then((known) => {
            if (known[id] === undefined) notes.push(id);
            return new Set(known[id] === undefined ? [] : [known[id]]);
          });
        })
      );
    const kinds = [
      [query.topics, query.notTopics, (v) => matchTopics(v, manifest.topics).map((t) => t.members), unknown.topics],
      [query.years, query.notYears, (v) => matchMonths(v, months).map((m) => monthUrl.get(m)), unknown.dates],
      [query.months, query.notMonths, (v) => matchMonths(v, months).map((m) => monthUrl.get(m)), unknown.dates],
      [query.has, query.notHas, (v) => matchHas(v, Array.from(hasUrl.keys())).map((h) => hasUrl.get(h)), unknown.has],
    ];
    const identified = query.ids.length + query.notIds.length;
    if (!identified && kinds.every(([keep, leave]) => !keep.length && !leave.length)) return Promise.resolve(null);
    return Promise.all(
      kinds
        .map(([keep, leave, named, notes]) =>
          Promise.all([this.members(keep, named, notes), this.members(leave, named, notes)])
        )
        .concat([Promise.all([ids(query.ids, unknown.ids), ids(query.notIds, [])])])
    ).then((found) => {
      const allowing = found.flatMap(([keeping]) => keeping);
      const allowed = allowing.length
        ? allowing.reduce((kept, set) => new Set(Array.from(kept).filter((n) => set.has(n))))
        : null;
      const left = new Set();
      for (const [, leaving] of found) for (const set of leaving) for (const n of set) left.add(n);
      return { allowed, left };
    });
  }

  /** What the results from `start` show, by ref (for "Show more"). */
  more(result, start, count) {
    return this.loader.records(result.hits.slice(start, start + count).map((h) => h.ref));
  }
}
