/* Paper Digest reading list, the store: the papers a reader saved, kept in this browser's
   localStorage (nothing is sent anywhere) under one key, in the same documented format as the JSON
   export (docs/reading.md):

     {"format": "paper-digest-reading-list", "version": 1,
      "papers": [{"slug", "title", "url", "topics": [{"slug", "name"}], "listed": ["YYYY-MM-DD"], "saved"}]}

   Every write reads the list afresh first, so two tabs never undo each other's changes; `onChange`
   hears this tab's changes and (through the `storage` event) other tabs'. Where the browser keeps no
   data for the site (storage turned off), `available` is false and the features stay hidden. */

export const FORMAT = "paper-digest-reading-list";
export const VERSION = 1;
const KEY = "paper-digest-reading-list";
const SLUG = /^[a-z0-9][a-z0-9-]{0,199}$/;
const DAY = /^\d{4}-\d\d-\d\d$/;
const LONGEST_TITLE = 2000;

/** Why a file is not a reading list this site can read; `message` is written for the reader. */
export class NotAReadingList extends Error {}

function openStorage() {
  try {
    const storage = window.localStorage;
    storage.setItem(KEY + ".probe", "1");
    storage.removeItem(KEY + ".probe");
    return storage;
  } catch {
    return null;
  }
}

const storage = openStorage();
/** Whether this browser lets the site keep a reading list. */
export const available = storage !== null;

/** A saved paper in its normal form, or null when `value` is not one (no valid slug or title).
    Fields that are missing or malformed get defaults: a reading list is never lost over a detail. */
export function normalPaper(value, now = new Date()) {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return null;
  const { slug, title } = value;
  if (typeof slug !== "string" || !SLUG.test(slug)) return null;
  if (typeof title !== "string" || !title.trim()) return null;
  const topics = Array.isArray(value.topics)
    ? value.topics.filter(
        (t) => t && typeof t.slug === "string" && SLUG.test(t.slug) && typeof t.name === "string" && t.name.trim()
      )
    : [];
  const listed = Array.isArray(value.listed) ? value.listed.filter((d) => typeof d === "string" && DAY.test(d)) : [];
  const when = typeof value.saved === "string" ? Date.parse(value.saved) : NaN;
  const saved = new Date(Number.isNaN(when) ? now : when).toISOString();
  return {
    slug,
    title: title.trim().slice(0, LONGEST_TITLE),
    url: typeof value.url === "string" && /^https?:\/\//.test(value.url) ? value.url : "",
    topics: topics.map((t) => ({ slug: t.slug, name: t.name.trim() })),
    listed: [...new Set(listed)].sort(),
    saved,
  };
}

/** A reading list's text (an export, or what the store holds) read into {papers, skipped}:
    the valid papers, newest saved first, and how many entries were not papers. Throws
    NotAReadingList, with a message for the reader, when the text is not a reading list at all. */
export function parseList(text) {
  let data;
  try {
    data = JSON.parse(text);
  } catch {
    throw new NotAReadingList("it is not JSON");
  }
  if (typeof data !== "object" || data === null || data.format !== FORMAT) {
    throw new NotAReadingList(`it is not a Paper Digest reading list (no "format": "${FORMAT}")`);
  }
  if (!Number.isInteger(data.version) || data.version < 1) {
    throw new NotAReadingList('it has no "version" this site knows');
  }
  if (data.version > VERSION) {
    throw new NotAReadingList(
      `it was made by a newer version of the site (version ${data.version}; this one reads version ${VERSION})`
    );
  }
  if (!Array.isArray(data.papers)) throw new NotAReadingList('it has no "papers" list');
  const papers = [];
  const seen = new Set();
  let skipped = 0;
  for (const entry of data.papers) {
    const paper = normalPaper(entry);
    if (paper === null) skipped++;
    else if (!seen.has(paper.slug)) {
      seen.add(paper.slug);
      papers.push(paper);
    }
  }
  return { papers: newestFirst(papers), skipped };
}

/** Papers ordered by when they were saved, the most recent first (then by title). */
export function newestFirst(papers) {
  return [...papers].sort((a, b) => Date.parse(b.saved) - Date.parse(a.saved) || a.title.localeCompare(b.title));
}

/** The list as the documented JSON (the export, and what the store holds). */
export function serialize(papers, indent = 0) {
  const ordered = newestFirst(papers).map(({ slug, title, url, topics, listed, saved }) => ({
    slug,
    title,
    url,
    topics,
    listed,
    saved,
  }));
  return JSON.stringify({ format: FORMAT, version: VERSION, papers: ordered }, null, indent) + (indent ? "\n" : "");
}

let cache = { text: null, papers: [] };

/** The saved papers, the most recently saved first (read again only when the stored text changed). */
export function papers() {
  const text = storage ? storage.getItem(KEY) : null;
  if (text !== cache.text) {
    let list = [];
    try {
      list = text ? parseList(text).papers : [];
    } catch {
      // unreadable (edited by hand?): the next save keeps it aside, under KEY.unreadable
    }
    cache = { text, papers: list };
  }
  return cache.papers;
}

export function isSaved(slug) {
  return papers().some((p) => p.slug === slug);
}

const changes = new EventTarget();

function write(list) {
  const before = storage.getItem(KEY);
  if (before && papers().length === 0) {
    try {
      parseList(before);
    } catch {
      storage.setItem(KEY + ".unreadable", before); // kept aside, never silently lost
    }
  }
  storage.setItem(KEY, serialize(list));
  changes.dispatchEvent(new Event("change"));
}

/** Saves a paper ({slug, title, url, topics, listed}), now; a paper already saved stays as it was. */
export function save(paper) {
  const list = papers();
  if (list.some((p) => p.slug === paper.slug)) return;
  const saved = normalPaper({ ...paper, saved: new Date().toISOString() });
  if (saved) write([...list, saved]);
}

export function remove(slug) {
  const list = papers();
  if (list.some((p) => p.slug === slug)) write(list.filter((p) => p.slug !== slug));
}

/** Adds the papers not yet on the list; never drops or changes one that is. {added, already}. */
export function merge(incoming) {
  const list = papers();
  const have = new Set(list.map((p) => p.slug));
  const added = incoming.filter((p) => !have.has(p.slug));
  if (added.length) write([...list, ...added]);
  return { added: added.length, already: incoming.length - added.length };
}

/** Calls `listener` whenever the list changes, in this tab or in another. */
export function onChange(listener) {
  changes.addEventListener("change", listener);
}

// Another tab changed the list. (globalThis: the search code that imports this also runs in node.)
globalThis.addEventListener?.("storage", (event) => {
  if (event.key === KEY || event.key === null) changes.dispatchEvent(new Event("change"));
});
