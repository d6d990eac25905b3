/* Paper Digest, new since your last visit: papers from digests newer than the reader's previous
   visit get a "new" badge on the home, digest and topic pages, and the home page says how many
   digests are new ("1 new digest since your last visit on 28 November").

   The rule (docs/reading.md): a visit is a run of page views of the site with less than 30
   minutes between one and the next, in any tab. Each visit remembers the newest digest date the
   pages it showed carried (the home page's digest list, the digests the papers shown were
   listed in), counting every visit before it too. What is new is what is newer than the previous
   visit's newest digest, so reloading a page, or reading on for an hour, keeps the badges; they
   go with the next visit. On the first visit nothing is marked. The record stays in this
   browser's localStorage; nothing is sent anywhere. */

const KEY = "paper-digest-visits";
const GAP = 30 * 60 * 1000;
const DAY = /^\d{4}-\d\d-\d\d$/;
const MONTHS = "January February March April May June July August September October November December".split(" ");

function visit(value) {
  if (typeof value !== "object" || value === null || !Number.isFinite(value.last)) return null;
  return { newest: typeof value.newest === "string" && DAY.test(value.newest) ? value.newest : null, last: value.last };
}

function later(a, b) {
  return a === null || (b !== null && b > a) ? b : a;
}

/** The stored record after a page view at `now` showing digests up to `newest` (or null), and the
    previous visit ({newest, last}, or null on the first visit). Pure: the rule, testable alone. */
export function pageView(record, newest, now) {
  const current = visit(record && record.current);
  let previous;
  let newestSeen = newest;
  if (current && now - current.last < GAP) {
    previous = visit(record.previous); // the same visit
    newestSeen = later(current.newest, newest);
  } else {
    previous = current; // a new visit: the last one ends here
    newestSeen = later(current ? current.newest : null, newest);
  }
  return { record: { version: 1, current: { newest: newestSeen, last: now }, previous }, previous };
}

function datesOn(page) {
  const dates = [];
  for (const node of page.querySelectorAll("[data-listed]")) dates.push(...node.dataset.listed.split(" "));
  for (const node of page.querySelectorAll("[data-date]")) dates.push(node.dataset.date);
  dates.push(...homeDigests(page));
  return dates.filter((d) => DAY.test(d));
}

/** Every digest's date, from the home page's list of digests (it shows the newest few, and
    carries all their dates). */
function homeDigests(page) {
  const list = page.querySelector("[data-digests]");
  return list ? list.dataset.digests.split(" ").filter((d) => DAY.test(d)) : [];
}

function dayOf(time, now) {
  const date = new Date(time);
  const year = date.getFullYear() === new Date(now).getFullYear() ? "" : " " + date.getFullYear();
  return date.getDate() + " " + MONTHS[date.getMonth()] + year;
}

function mark(since, previous, now) {
  for (const item of document.querySelectorAll("li.paper-item[data-listed]")) {
    const title = item.querySelector(".paper-title");
    const isNew = item.dataset.listed.split(" ").some((d) => d > since);
    if (!isNew || !title || title.querySelector(".new-badge")) continue;
    const badge = document.createElement("span");
    badge.className = "new-badge";
    badge.textContent = "new";
    title.append(" ", badge);
  }
  const latest = document.querySelector(".home-latest");
  const fresh = homeDigests(document).filter((date) => date > since);
  if (latest && fresh.length) {
    const line = document.createElement("p");
    line.className = "new-since";
    const count = fresh.length === 1 ? "1 new digest" : fresh.length + " new digests";
    const whose = fresh.length === 1 ? "its" : "their";
    const when = dayOf(previous.last, now);
    line.textContent = `${count} since your last visit on ${when}; ${whose} papers are marked “new”.`;
    latest.prepend(line);
  }
}

function run() {
  let storage;
  let record = null;
  try {
    storage = window.localStorage;
    record = JSON.parse(storage.getItem(KEY) || "null");
  } catch {
    if (!storage) return; // the browser keeps no data for the site: nothing to compare with
  }
  const now = Date.now();
  const dates = datesOn(document.querySelector("main") || document);
  const newest = dates.length ? dates.reduce((a, b) => (b > a ? b : a)) : null;
  const view = pageView(record, newest, now);
  try {
    storage.setItem(KEY, JSON.stringify(view.record));
  } catch {
    return;
  }
  if (view.previous && view.previous.newest) mark(view.previous.newest, view.previous, now);
}

run();
