/* Paper Digest search, results: what one result shows — its title with the words the query matched
   marked, its first authors and those the query found, its topics and dates, and the part of its abstract where most of
   those words are — and
   the status line above the results. `marks` and `snippet` are pure (text in, runs out); the rest
   makes DOM nodes, filled with textContent only (titles and abstracts are never read as markup).
   Loaded with the search code on first use; search-ui.js puts the nodes in the page. */

import { asks } from "./search-plan.85882bcf67.js";
import { term, termsOf, words } from "./search-query.98ef2aee5b.js";
import { saveButton } from "./save-toggle.f255b69ae1.js";

const RAW_PART = "[\\p{L}\\p{N}\\p{M}'\u2019]+(?:(?:\\+\\+|#)[\\p{L}\\p{N}]*)?"; // C++, C++11 and C# whole: cpp, cpp11, csharp
const RAW_WORD = new RegExp(RAW_PART + "(?:-" + RAW_PART + ")*", "gu"); // a hyphenated compound as one
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const MONTH_NAMES = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
  "October", "November", "December"];
const SNIPPET = 220; // about this many characters of the abstract
const BYLINE = 3; // a byline's first names (as site_src/pages/maker.py BYLINE_AUTHORS)

/** A text cut into runs, marking the words whose terms matched: [{text, mark, terms}]. A hyphenated
    compound is marked whole when the query asked for it joined (pretraining marks "pre-training"),
    else each of its parts that matched. */
export function marks(text, terms) {
  const runs = [];
  let last = 0;
  const mark = (at, raw, joined) => {
    const matched = words(raw, joined)
      .map(term)
      .filter((t) => t !== null && terms.has(t));
    if (!matched.length) return false;
    if (at > last) runs.push({ text: text.slice(last, at), mark: false });
    runs.push({ text: raw, mark: true, terms: matched });
    last = at + raw.length;
    return true;
  };
  let match;
  RAW_WORD.lastIndex = 0;
  while ((match = RAW_WORD.exec(text)) !== null) {
    const raw = match[0];
    if (raw.indexOf("-") < 0 || !mark(match.index, raw, true)) {
      let at = match.index;
      for (const part of raw.split("-")) {
        mark(at, part, false);
        at += part.length + 1;
      }
    }
  }
  if (last < text.length) runs.push({ text: text.slice(last), mark: false });
  return runs;
}

/** About `length` characters of a text where most of the matched terms are (those the title
    does not already show counting most), cut at spaces, as runs: [{text, mark}]. */
export function snippet(text, terms, length, title) {
  const shown = new Set();
  for (const run of marks(title || "", terms)) for (const t of run.terms || []) shown.add(t);
  const runs = marks(text, terms);
  const found = [];
  let at = 0;
  for (const run of runs) {
    if (run.mark) found.push({ at, terms: run.terms });
    at += run.text.length;
  }
  const lead = Math.floor(length / 5);
  let start = 0;
  let best = 0;
  for (const f of found) {
    const from = Math.max(0, f.at - lead);
    const seen = new Set();
    let worth = 0;
    for (const g of found) {
      if (g.at >= from && g.at < from + length - lead) for (const t of g.terms) seen.add(t);
    }
    for (const t of seen) worth += shown.has(t) ? 1 : 3;
    if (worth > best) {
      best = worth;
      start = from;
    }
  }
  if (start > 0) {
    const space = text.indexOf(" ", start);
    if (space >= 0 && space < start + lead) start = space + 1;
  }
  let end = Math.min(text.length, start + length);
  if (end < text.length) {
    const cut = text.lastIndexOf(" ", end);
    end = cut > start ? cut : end;
  }
  const out = [];
  let pos = 0;
  for (const run of runs) {
    const from = Math.max(start, pos);
    const to = Math.min(end, pos + run.text.length);
    if (from < to) out.push({ text: run.text.slice(from - pos, to - pos), mark: run.mark });
    pos += run.text.length;
  }
  if (start > 0) out.unshift({ text: "…", mark: false });
  if (end < text.length) out.push({ text: "…", mark: false });
  return out;
}

function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function plural(count, one, many) {
  return count + " " + (count === 1 ? one : many);
}

/** "June 2025" for "2025-06", "2025" for "2025". */
function monthName(value) {
  return value.length === 4 ? value : MONTH_NAMES[+value.slice(5, 7) - 1] + " " + value.slice(0, 4);
}

function quoted(values) {
  return "“" + values.join("”, “") + "”";
}

/** The status line for a result: how many papers match the query as it was applied, what was
    left out while being typed or read as words, and the filter values that name nothing (no such
    topic, author, digest month or year, or has: property). */
export function describe(result, manifest) {
  const query = result.query;
  const text = "“" + query.applied + "”";
  const count = result.hits.length;
  const where = result.partial ? " in titles" : "";
  let message = "";
  if (query.applied) {
    message =
      count === 0
        ? "No papers match " + text + where + "."
        : plural(count, "paper matches ", "papers match ") + text + where + (result.forgiven ? ", allowing one typo." : ".");
  }
  for (const { text: value, field } of query.asWords) {
    const takes =
      field === "has" ? "has: takes a word (has:code)" : "year: takes a year (year:2025), month: a month (month:2025-06)";
    message += " " + quoted([value]) + " is read as words: " + takes + ".";
  }
  const typing = query.skipped.concat(result.dropped && result.dropped.trim() ? [result.dropped.trim()] : []);
  if (typing.length) {
    message += " " + quoted(typing) + (typing.length === 1 ? " is" : " are") + " left out until ";
    message += typing.length === 1 ? "it is finished." : "they are finished.";
  }
  message = message.trim();
  const unknown = result.unknown;
  if (unknown.topics.length) {
    const names = manifest.topics.map((t) => t.slug);
    message += " No topic is called " + quoted(unknown.topics) + " (topics: " + names.join(", ") + ").";
  }
  if (unknown.authors.length) message += " No author is called " + quoted(unknown.authors) + ".";
  if (unknown.dates.length) {
    const months = (manifest.months || []).map((m) => m.month);
    const span = months.length
      ? " (digests from " + monthName(months[0]) + " to " + monthName(months[months.length - 1]) + ")"
      : "";
    message += " No digest is from " + unknown.dates.map(monthName).join(", ") + span + ".";
  }
  if (unknown.ids && unknown.ids.length) message += " No paper is " + unknown.ids.map((id) => "arXiv:" + id).join(", ") + ".";
  if (unknown.has.length) {
    const names = (manifest.has || []).map((h) => "has:" + h.name);
    message += " Search knows " + names.join(", ") + ", not " + quoted(unknown.has.map((v) => "has:" + v)) + ".";
  }
  return message;
}

/** A byline: the first three names, then any other whose name has one of `found` (the terms the
    query matched in the authors' names: "A, B, C, …, Kira"), and "et al." when names are left out
    after the last one shown. */
export function byline(record, found) {
  const names = record.authors || [];
  const shown = [];
  let last = -1;
  names.forEach((name, i) => {
    if (i >= BYLINE && !(found && termsOf(name).some((t) => found.has(t)))) return;
    shown.push(i > last + 1 ? "…, " + name : name);
    last = i;
  });
  return shown.join(", ") + (last + 1 < names.length ? " et al." : "");
}

function runs(target, parts) {
  for (const part of parts) {
    target.append(part.mark ? element("mark", "", part.text) : document.createTextNode(part.text));
  }
  return target;
}

function shortDate(iso) {
  const [year, month, day] = iso.split("-");
  const date = element("time", "", +day + " " + MONTHS[+month - 1] + " " + year);
  date.dateTime = iso;
  return date;
}

/** The terms a result marks: those it matched, and those of its abstract that a word of the query
    asks for, found in the text itself. Its snippet is then the same whether the abstracts' index
    has been searched yet or not: results from titles do not change when abstracts arrive. */
export function markedTerms(matched, query, abstract) {
  const terms = new Set(matched);
  for (const t of termsOf(abstract)) {
    if (!terms.has(t) && query.words.some((w) => asks(w, t))) terms.add(t);
  }
  return terms;
}

/** One result: its linked title (a heading on the search page), first authors and those the query
    found (the names it matched marked: `authorTerms`), topics, dates, Save button and snippet. */
export function resultItem(matched, query, record, manifest, onSearchPage, authorTerms) {
  const terms = markedTerms(matched, query, record.abstract);
  const li = element("li", "search-result");
  const heading = element(onSearchPage ? "h2" : "p", "search-result-title");
  heading.dir = "auto"; // a title in Hebrew or Arabic reads from the right
  const link = element("a");
  link.href = manifest.papers + record.slug + "/";
  heading.append(runs(link, marks(record.title, terms)));
  li.append(heading);
  const authors = byline(record, authorTerms);
  if (authors) li.append(runs(element("p", "search-result-authors"), marks(authors, authorTerms || new Set())));
  const meta = element("p", "search-result-meta");
  const names = record.topics.map((slug) => {
    const topic = manifest.topics.find((t) => t.slug === slug);
    return topic ? topic.name : slug;
  });
  meta.append(element("span", "search-result-topics", names.join(" · ")), " · ");
  record.dates.forEach((iso, i) => {
    if (i) meta.append(", ");
    meta.append(shortDate(iso));
  });
  const topics = record.topics.map((slug, i) => ({ slug, name: names[i] }));
  const paper = { slug: record.slug, title: record.title, url: link.href, topics, listed: record.dates };
  meta.append(" ", saveButton(paper));
  const cut = snippet(record.abstract, terms, SNIPPET, record.title);
  const abstract = element("p", "search-result-snippet");
  abstract.dir = "auto"; // an Arabic abstract reads from the right, as on its page
  li.append(meta, runs(abstract, cut));
  return li;
}
