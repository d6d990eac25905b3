// The browser's side of the parity tests, run in node: reads a JSON request on stdin, answers on stdout.
//   {"op": "analyse", "texts": [...], "words": [...]}  -> {"words": [[...]...], "terms": [...], "stems": [...]}
//   {"op": "search", "index": "<path>", "queries": [...]} -> [[{"ref", "score"}...]...]
"use strict";
const fs = require("fs");
const path = require("path");
const root = path.resolve(__dirname, "..", "..");
globalThis.lunr = require(path.join(root, "node_modules", "lunr"));
const core = require(path.join(root, "templates", "static", "search-core.js"));

const request = JSON.parse(fs.readFileSync(0, "utf8"));
let answer;
if (request.op === "analyse") {
  answer = {
    words: request.texts.map(core.words),
    terms: request.words.map(core.term),
    stems: request.words.map((w) => lunr.stemmer(new lunr.Token(w, {})).toString()),
  };
} else if (request.op === "search") {
  const index = lunr.Index.load(JSON.parse(fs.readFileSync(request.index, "utf8")));
  answer = request.queries.map((q) => index.search(q).map((r) => ({ ref: r.ref, score: r.score })));
} else {
  throw new Error("unknown op " + request.op);
}
process.stdout.write(JSON.stringify(answer));
