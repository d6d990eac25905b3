/* Paper Digest reading list, the page: /reading-list/ shows the saved papers, the most recently
   saved first, each with its topics, the digests it was in, when it was saved and a Remove button;
   exports the list as BibTeX, as JSON (the documented format, see reading-store.js) or as a plain
   list of links, all made in the browser (Blob + object URL); and imports a JSON export, adding
   what is not on the list yet. A saved paper the site no longer has (its page answers 404 to a
   HEAD request) stays on the list, marked as such; its BibTeX is made from what was saved.
   Loaded by site.js only on that page; everything is filled with textContent only. */

import {
  NotAReadingList,
  available,
  merge,
  newestFirst,
  onChange,
  papers,
  parseList,
  remove,
  serialize,
} from "./reading-store.js";

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const LARGEST_IMPORT = 5 * 1024 * 1024;
const REQUESTS_AT_ONCE = 6; // as many as a browser opens to one host over HTTP/1.1
const PROGRESS_FROM = 100; // an export of this many papers or more says how far it has come

function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

/** A button; `name`, when given, is its accessible name (its label and the paper it acts on). */
function button(text, className, name) {
  const node = element("button", className, text);
  node.type = "button";
  if (name !== undefined) node.setAttribute("aria-label", name);
  return node;
}

function count(n, one, many) {
  return n + " " + (n === 1 ? one : many);
}

function localDay(date) {
  const two = (n) => String(n).padStart(2, "0");
  return date.getFullYear() + "-" + two(date.getMonth() + 1) + "-" + two(date.getDate());
}

function shortDay(iso) {
  const [year, month, day] = iso.split("-");
  const time = element("time", "", +day + " " + MONTHS[+month - 1] + " " + year);
  time.dateTime = iso;
  return time;
}

/** Untrusted text as the value of a BibTeX field, as the site writes its own (site_src/pages/citations.py):
    TeX's special characters as commands; braces that do not pair up as \textbraceleft{}/\textbraceright{}. */
export function tex(text) {
  const flat = text
    .replace(/[\x00-\x1f\x7f]/g, " ")
    .split(/\s+/)
    .filter(Boolean)
    .join(" ");
  let depth = 0;
  let balanced = true;
  for (const char of flat) {
    depth += char === "{" ? 1 : char === "}" ? -1 : 0;
    if (depth < 0) balanced = false;
  }
  balanced = balanced && depth === 0;
  const special = {
    "\\": "\\textbackslash{}",
    "{": balanced ? "\\{" : "\\textbraceleft{}",
    "}": balanced ? "\\}" : "\\textbraceright{}",
    $: "\\$",
    "&": "\\&",
    "%": "\\%",
    "#": "\\#",
    _: "\\_",
    "^": "\\textasciicircum{}",
    "~": "\\textasciitilde{}",
    "<": "\\textless{}",
    ">": "\\textgreater{}",
  };
  return flat.replace(/[\\{}$&%#_^~<>]/g, (char) => special[char]);
}

/** BibTeX for a paper the site no longer has, made from what was saved (its slug is the key). */
export function savedEntry(paper, url, siteTitle) {
  const fields = [
    ["title", tex(paper.title)],
    ["url", url],
  ];
  const when = paper.listed.length ? " in the digest of " + paper.listed[paper.listed.length - 1] : "";
  fields.push(["note", tex(`Saved from ${siteTitle}${when}; no longer on that site`)]);
  return `@misc{${paper.slug},\n${fields.map(([k, v]) => `  ${k} = {${v}}`).join(",\n")}\n}\n`;
}

function download(name, type, text) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = element("a");
  link.href = url;
  link.download = name;
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60000); // once the download has surely started
}

function readingList(root) {
  const home = root.dataset.home;
  const siteTitle = (document.querySelector(".site-title") || { textContent: "Paper Digest" }).textContent.trim();
  const gone = new Map(); // slug → true (404), false (there); what the HEAD requests found
  const pageOf = (slug) => home + "papers/" + slug + "/";
  const addressOf = (slug) => new URL(pageOf(slug), location.href).href;

  const summary = element("p", "reading-summary");
  summary.tabIndex = -1; // where focus goes when the last paper is removed
  const tools = element("div", "reading-tools");
  const exports = element("p", "reading-exports");
  const asBibtex = button("BibTeX", "reading-export");
  const asJson = button("JSON", "reading-export");
  const asLinks = button("List of links", "reading-export");
  const exportLabel = element("span", "reading-tool-label", "Export:");
  exportLabel.id = "reading-list-export";
  exports.setAttribute("role", "group");
  exports.setAttribute("aria-labelledby", exportLabel.id);
  exports.append(exportLabel, " ", asBibtex, " ", asJson, " ", asLinks);
  exports.append(element("span", "reading-tool-help", "The JSON file is what another browser imports."));
  const importing = element("p", "reading-import");
  const picker = element("input");
  picker.type = "file";
  picker.id = "reading-list-import";
  picker.accept = ".json,application/json";
  const label = element("label", "reading-tool-label", "Import a reading list (a JSON export):");
  label.htmlFor = picker.id;
  importing.append(label, " ", picker);
  tools.append(exports, importing);
  const status = element("p", "reading-status");
  status.setAttribute("role", "status");
  const list = element("ol", "reading-items");
  root.replaceChildren(summary, tools, status, list);

  function say(text) {
    status.textContent = text;
  }

  function describe(saved) {
    if (!saved.length) {
      summary.textContent =
        "Nothing saved yet: press Save beside a paper, on any list or paper page, and it is kept here.";
      return;
    }
    const missing = saved.filter((p) => gone.get(p.slug) === true).length;
    summary.textContent =
      count(saved.length, "saved paper", "saved papers") +
      ", the most recently saved first." +
      (missing ? " " + count(missing, "of them is", "of them are") + " no longer on this site." : "");
  }

  function item(paper) {
    const li = element("li", "reading-item");
    li.dataset.slug = paper.slug;
    const heading = element("h2", "paper-title");
    heading.dir = "auto"; // a title in Hebrew or Arabic reads from the right
    const link = element("a", "", paper.title);
    link.href = pageOf(paper.slug);
    heading.append(link);
    li.append(heading);
    if (gone.get(paper.slug) === true) markGone(li);
    if (paper.topics.length) {
      const chips = element("ul", "chips");
      chips.setAttribute("aria-label", "Topics");
      for (const topic of paper.topics) {
        const chip = element("a", "chip", topic.name);
        chip.href = home + "topics/" + topic.slug + "/";
        const entry = element("li");
        entry.append(chip);
        chips.append(entry);
      }
      li.append(chips);
    }
    const dates = element("p", "paper-dates");
    if (paper.listed.length) {
      dates.append(paper.listed.length > 1 ? "In the digests of " : "In the digest of ");
      [...paper.listed].reverse().forEach((day, i) => {
        if (i) dates.append(", ");
        dates.append(shortDay(day));
      });
      dates.append(" · ");
    }
    dates.append("saved ", shortDay(localDay(new Date(paper.saved))));
    const drop = button("Remove", "reading-remove", "Remove: " + paper.title);
    drop.addEventListener("click", () => {
      const next = li.nextElementSibling || li.previousElementSibling;
      const slug = next ? next.dataset.slug : null;
      remove(paper.slug);
      say("Removed “" + paper.title + "” from your reading list.");
      const focus = slug ? list.querySelector(`li[data-slug="${slug}"] .reading-remove`) : null;
      (focus || summary).focus();
    });
    li.append(dates, drop);
    return li;
  }

  /** A paper the site no longer has: its title without a link, and a line saying so. */
  function markGone(li) {
    const heading = li.querySelector(".paper-title");
    const link = heading.querySelector("a");
    if (!link) return;
    const focused = document.activeElement === link;
    heading.textContent = link.textContent;
    heading.after(element("p", "reading-gone", "No longer on this site"));
    if (focused) li.querySelector(".reading-remove").focus();
  }

  function focusables(li) {
    return Array.from(li.querySelectorAll("a, button"));
  }

  /** The list drawn again (after a change here or in another tab), focus kept where it was. */
  function render() {
    const saved = papers();
    const active = document.activeElement;
    const was = list.contains(active) ? active.closest("li.reading-item") : null;
    const at = was ? focusables(was).indexOf(active) : -1;
    describe(saved);
    exports.hidden = saved.length === 0;
    list.replaceChildren(...saved.map(item));
    const again = was ? list.querySelector(`li[data-slug="${was.dataset.slug}"]`) : null;
    if (again) (focusables(again)[at] || again.querySelector(".reading-remove")).focus();
    check(saved);
  }

  /** `work` done for each item, at most `REQUESTS_AT_ONCE` at a time, the results in order: asked
      all at once, a browser refuses hundreds of a list of thousands. Once one fails, no other
      starts: the whole fails with it. `progress(done)` is told as each item is done, until one
      fails (those still under way then finish unheard: their news would hide the failure). */
  async function inTurn(items, work, progress) {
    const results = new Array(items.length);
    let next = 0;
    let done = 0;
    let failed = false;
    async function worker() {
      while (next < items.length) {
        const at = next++;
        try {
          results[at] = await work(items[at]);
          if (progress && !failed) progress(++done);
        } catch (error) {
          failed = true;
          next = items.length;
          throw error;
        }
      }
    }
    await Promise.all(Array.from({ length: Math.min(REQUESTS_AT_ONCE, items.length) }, worker));
    return results;
  }

  /** Asks the site, once per paper, whether it still has each paper's page. */
  function check(saved) {
    const unknown = saved.filter((p) => !gone.has(p.slug));
    for (const paper of unknown) gone.set(paper.slug, undefined);
    if (!unknown.length) return;
    inTurn(unknown, (paper) =>
      fetch(pageOf(paper.slug), { method: "HEAD", cache: "no-store" }).then(
        (response) =>
          gone.set(
            paper.slug,
            response.status === 404 || response.status === 410 ? true : response.ok ? false : undefined
          ),
        () => gone.delete(paper.slug) // offline: ask again when the list is shown again
      )
    ).then(() => {
      for (const li of list.children) if (gone.get(li.dataset.slug) === true) markGone(li);
      describe(papers());
    });
  }

  /** Says how far a long export has come, at each tenth of the list (a status more often would
      keep a screen reader talking); a short one is said to be under way once. */
  function progressOf(total) {
    const step = Math.ceil(total / 10);
    say("Fetching the BibTeX of " + count(total, "paper", "papers") + "…");
    return (done) => {
      if (total >= PROGRESS_FROM && done % step === 0 && done < total) {
        say("Fetching the BibTeX of " + count(total, "paper", "papers") + ": " + done + " done…");
      }
    };
  }

  async function bibtex(saved) {
    const progress = progressOf(saved.length);
    const entries = await inTurn(saved, async (paper) => {
      const response =
        gone.get(paper.slug) === true ? null : await fetch(home + "papers/" + paper.slug + "/index.bib");
      if (response === null || response.status === 404 || response.status === 410) {
        return savedEntry(paper, addressOf(paper.slug), siteTitle);
      }
      if (!response.ok) throw new Error("the site answered " + response.status + " for “" + paper.title + "”");
      return (await response.text()).trim() + "\n";
    }, progress);
    return entries.join("\n");
  }

  function stamp() {
    return localDay(new Date());
  }

  asBibtex.addEventListener("click", () => {
    const saved = papers();
    asBibtex.disabled = true; // one export at a time: a second click made a second file
    bibtex(saved)
      .then(
        (text) => {
          download(`reading-list-${stamp()}.bib`, "application/x-bibtex;charset=utf-8", text);
          say("Exported " + count(saved.length, "paper", "papers") + " as BibTeX.");
        },
        (error) =>
          say(
            "Could not export BibTeX: " +
              (error instanceof TypeError ? "the site could not be reached" : error.message) +
              "."
          )
      )
      .finally(() => {
        asBibtex.disabled = false;
      });
  });
  asJson.addEventListener("click", () => {
    const saved = papers().map((p) => ({ ...p, url: addressOf(p.slug) }));
    download(`reading-list-${stamp()}.json`, "application/json", serialize(saved, 2));
    say(
      "Exported " +
        count(saved.length, "paper", "papers") +
        " as JSON: import the file on another browser’s Reading list page."
    );
  });
  asLinks.addEventListener("click", () => {
    const saved = papers();
    const lines = saved.map((p) => p.title + " — " + addressOf(p.slug));
    download(`reading-list-${stamp()}.txt`, "text/plain;charset=utf-8", lines.join("\n") + "\n");
    say("Exported " + count(saved.length, "link", "links") + " as plain text.");
  });

  picker.addEventListener("change", async () => {
    const file = picker.files[0];
    if (!file) return;
    const name = "“" + file.name + "”";
    try {
      if (file.size > LARGEST_IMPORT) throw new NotAReadingList("it is too large to be a reading list");
      const { papers: incoming, skipped } = parseList(await file.text());
      const { added, already } = merge(newestFirst(incoming));
      let message =
        added === 0
          ? `Nothing to add from ${name}: ` +
            (already ? count(already, "paper was", "papers were") + " on your list already." : "it lists no papers.")
          : `Added ${count(added, "paper", "papers")} from ${name}` +
            (already ? "; " + count(already, "was", "were") + " on your list already." : ".");
      if (skipped)
        message +=
          " " + count(skipped, "entry was not a paper and was", "entries were not papers and were") + " left out.";
      say(message);
    } catch (error) {
      const why = error instanceof NotAReadingList ? error.message : "the file could not be read";
      say(`Could not import ${name}: ${why}. Nothing was changed.`);
    } finally {
      picker.value = "";
    }
  });

  onChange(render);
  render();
}

const root = document.getElementById("reading-list");
if (root && available) {
  readingList(root);
} else if (root) {
  root.append(
    element(
      "p",
      "reading-summary",
      "This browser keeps no data for this site (storage is turned off), so it can hold no reading list."
    )
  );
}
