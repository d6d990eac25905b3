// The browser's side of the parity tests, run in node: reads a JSON request on stdin, answers on stdout.
//   {"op": "analyse", "texts": [...], "words": [...]}
//       -> {"words": [[...]...], "joined": [[...]...], "terms": [...], "stems": [...]} (joined: compounds as one word)
//   {"op": "search", "index": "<path>", "queries": [...]} -> [[{"ref", "score"}...]...]
//   {"op": "scores", "site": "<path>", "words": [...]}
//       -> [{"word", "piece", "ours": {ref: score}, "lunr": {ref: score}}...]: the browser code's
//          score of each word on each piece it plans to search, and lunr.Index.query's
//   {"op": "searcher", "site": "<path>", "queries": [...]}
//       -> [{"query", "forgiven", "hits": [ref...], "titles": [...], "terms": [...], "exact": {"hits", "terms"}}...]:
//          the browser's whole search (search-data.js Searcher, the site's files read instead of
//          fetched): its hits, the titles of the first ten, the index terms the hits matched; and
//          the same for the hits that match every word as typed, without forgiving a typo
//   {"op": "marks", "texts": [...], "query": "..."} -> [[{text, mark}...]...]: each text as the results
//          show it, the words whose terms the query's words have marked
//   {"op": "parse", "queries": [...]} -> [{what parse() read: required items, exclusions, filters}...]
//   {"op": "find", "site": "<path>", "queries": [...]}
//       -> [{"slugs": [...], "unknown": {...}, "status": "...", "bylines": [...]}...]: each query searched
//          as the search box searches it (search-data.js's Searcher, the built site's files read from
//          disk), every result's slug in order, and the status line
// An ES module (package.json: "type": "module") that imports the browser's own modules. They read
// the global `lunr` only when called, as in the browser, where lunr.js is a classic script.
import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

import { Loader, Searcher } from "../../templates/static/search-data.js";
import { plan } from "../../templates/static/search-plan.js";
import { parse, term, words } from "../../templates/static/search-query.js";
import { byline, describe, marks } from "../../templates/static/search-results.js";
import { prepare, run } from "../../templates/static/search-score.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const lunr = createRequire(import.meta.url)(path.join(root, "node_modules", "lunr"));
globalThis.lunr = lunr;

const request = JSON.parse(fs.readFileSync(0, "utf8"));
let answer;
/** A built site's search manifest, with `fetch` reading the site's files from disk, as the
    browser's search code would fetch them from the server. */
function builtSite(site) {
  const manifest = JSON.parse(fs.readFileSync(path.join(site, "search", "index.json"), "utf8"));
  const prefix = manifest.papers.slice(0, -"papers/".length);
  globalThis.fetch = async (url) => {
    const body = fs.readFileSync(path.join(site, url.slice(prefix.length)), "utf8");
    return { ok: true, status: 200, json: async () => JSON.parse(body) };
  };
  return manifest;
}

if (request.op === "analyse") {
  answer = {
    words: request.texts.map((text) => words(text)),
    joined: request.texts.map((text) => words(text, true)),
    terms: request.words.map(term),
    stems: request.words.map((w) => lunr.stemmer(new lunr.Token(w, {})).toString()),
  };
} else if (request.op === "search") {
  const index = lunr.Index.load(JSON.parse(fs.readFileSync(request.index, "utf8")));
  answer = request.queries.map((q) => index.search(q).map((r) => ({ ref: r.ref, score: r.score })));
} else if (request.op === "scores") {
  const manifest = JSON.parse(fs.readFileSync(path.join(request.site, "search", "index.json"), "utf8"));
  const prefix = manifest.papers.slice(0, -"papers/".length);
  const pieces = new Map();
  const piece = (g, n) => {
    const key = g + ":" + n;
    if (!pieces.has(key)) {
      const file = path.join(request.site, manifest.groups[g].pieces[n].url.slice(prefix.length));
      pieces.set(key, prepare(lunr.Index.load(JSON.parse(fs.readFileSync(file, "utf8"))), manifest.groups[g].fields));
    }
    return pieces.get(key);
  };
  answer = [];
  for (const word of request.words) {
    const query = parse(word);
    const planned = plan(query, manifest, true);
    planned.words[0].forEach((look, g) => {
      const numbers = new Set(look.flatMap((entry) => entry.pieces));
      for (const n of numbers) {
        const only = (gg, nn) => (gg === g && nn === n ? piece(g, n) : null);
        const ours = {};
        for (const hit of run(query, planned, only, null, manifest.count).hits) ours[hit.ref] = hit.score;
        const clauses = look.filter((entry) => entry.pieces.includes(n)).map((entry) => entry.clause);
        const theirs = {};
        const p = piece(g, n);
        p.index
          .query((q) => {
            for (const c of clauses) {
              const options = { fields: p.fields, boost: c.boost, usePipeline: false };
              if (c.wildcard) options.wildcard = lunr.Query.wildcard.TRAILING;
              if (c.editDistance) options.editDistance = c.editDistance;
              q.term(c.term, options);
            }
          })
          .forEach((r) => (theirs[r.ref] = r.score));
        answer.push({ word, piece: g + ":" + n, ours, lunr: theirs });
      }
    });
  }
} else if (request.op === "searcher") {
  const searcher = new Searcher(new Loader(builtSite(request.site)));
  answer = [];
  for (const text of request.queries) {
    const result = await searcher.search(text, 10);
    const typed = await searcher.stage(result.query, null, false);
    const exact = typed.hits.filter((hit) => typed.exact(hit));
    const termsOf = (hits, found) => Array.from(new Set(hits.flatMap((hit) => Array.from(found.terms(hit))))).sort();
    answer.push({
      query: text,
      forgiven: result.forgiven,
      hits: result.hits.map((hit) => hit.ref),
      titles: result.hits.slice(0, 10).map((hit) => result.records.get(hit.ref).title),
      terms: termsOf(result.hits, result),
      exact: { hits: exact.map((hit) => hit.ref), terms: termsOf(exact, typed) },
    });
  }
} else if (request.op === "marks") {
  const terms = new Set(parse(request.query).words.map((w) => w.term)); // as the query asks them
  answer = request.texts.map((text) => marks(text, terms).map((run) => ({ text: run.text, mark: run.mark })));
} else if (request.op === "parse") {
  const items = (list) => list.map((it) => ({ text: it.text, phrase: it.phrase, fields: it.fields || null, words: it.tokens.map((t) => t.word) }));
  answer = request.queries.map((q) => {
    const query = parse(q);
    const read = { required: items(query.required), excluded: items(query.excluded), empty: query.empty };
    for (const key of ["topics", "notTopics", "years", "notYears", "months", "notMonths", "has", "notHas"]) read[key] = query[key];
    read.prefix = query.words.filter((w) => w.prefix).map((w) => w.word);
    read.excludedPrefix = query.excluded.flatMap((it) => it.words.filter((w) => w.prefix).map((w) => w.word));
    return read;
  });
} else if (request.op === "find") {
  const loader = new Loader(builtSite(request.site));
  const searcher = new Searcher(loader);
  answer = [];
  for (const q of request.queries) {
    const result = await searcher.search(q, 20);
    const records = await loader.records(result.hits.map((h) => h.ref));
    answer.push({
      slugs: result.hits.map((h) => records.get(h.ref).slug),
      bylines: result.hits.map((h) => byline(records.get(h.ref), result.authorTerms(h))),
      unknown: result.unknown,
      status: describe(result, loader.manifest),
    });
  }
} else {
  throw new Error("unknown op " + request.op);
}
process.stdout.write(JSON.stringify(answer));
