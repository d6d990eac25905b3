/* Keyboard shortcuts on pages that list papers (home, digests, topics, search results): j and k
   move to the next and previous paper (focusing its title link), o opens it, s saves it (presses
   its Save button, where the reading list shows one), ? lists the shortcuts in a dialog. / (to the
   search box) and the keys inside the search results are search-ui.js's, not repeated here.
   Shortcuts never fire while the reader types in a field, nor with Ctrl, Alt or Meta held (Shift
   only as part of ?). The pages work without this module: it only moves focus and presses what a
   reader could press. */

const LISTS = "main .paper-list, #search-results, #reading-list";
const ITEMS = "main .paper-item, main .search-result, main .reading-item";
const TITLE_LINK = ".paper-title a, .search-result-title a";

const SHORTCUTS = [
  [["j"], "Next paper"],
  [["k"], "Previous paper"],
  [["o", "Enter"], "Open the paper"],
  [["s"], "Save the paper to your reading list, or take it off"],
  [["/"], "Search"],
  [["?"], "Show these shortcuts"],
  [["Esc"], "Close this list"],
];

let help = null; // the dialog listing the shortcuts, made on first use

/** The papers listed on the page, in document order, each with its title link. */
function papers() {
  return Array.from(document.querySelectorAll(ITEMS)).filter((item) => item.querySelector(TITLE_LINK));
}

/** The paper that has the focus (its title link or anything in it), or null. */
function current() {
  const active = document.activeElement;
  return papers().find((item) => item.contains(active)) || null;
}

/** Focus the paper `step` away from the current one; with none current, the first paper after the
    focus (j) or the last one before it (k), so that j after the skip link starts at the top. */
function move(step) {
  const items = papers();
  if (!items.length) return false;
  const active = document.activeElement || document.body;
  let at = items.findIndex((item) => item.contains(active));
  if (at >= 0) {
    at = Math.min(Math.max(at + step, 0), items.length - 1);
  } else if (step > 0) {
    at = items.findIndex((item) => active.compareDocumentPosition(item) & Node.DOCUMENT_POSITION_FOLLOWING);
    if (at < 0) at = items.length - 1;
  } else {
    at = items.length - 1;
    while (at > 0 && !(active.compareDocumentPosition(items[at]) & Node.DOCUMENT_POSITION_PRECEDING)) at--;
  }
  const item = items[at];
  item.querySelector(TITLE_LINK).focus({ preventScroll: true });
  item.scrollIntoView({ block: "nearest" }); // smooth unless the reader prefers reduced motion (style.css)
  return true;
}

/** Open the current paper; false when no paper has the focus. */
function open() {
  const item = current();
  if (!item) return false;
  item.querySelector(TITLE_LINK).click();
  return true;
}

/** Press the current paper's Save button, if the reading list shows one; false otherwise. */
function save() {
  const item = current();
  const button = item && item.querySelector("button.save-toggle");
  if (!button || button.hidden || button.disabled) return false;
  button.click();
  return true;
}

function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

/** The list of shortcuts: a modal dialog (focus moves in, stays in, and returns where it was). */
function helpDialog() {
  const dialog = element("dialog", "shortcuts");
  dialog.setAttribute("aria-labelledby", "shortcuts-heading");
  const inner = element("div", "shortcuts-inner");
  const head = element("div", "shortcuts-head");
  const heading = element("h2", "", "Keyboard shortcuts");
  heading.id = "shortcuts-heading";
  const close = element("button", "shortcuts-close", "Close");
  close.type = "button";
  close.autofocus = true; // showModal() puts the focus here
  close.addEventListener("click", () => dialog.close());
  head.append(heading, close);
  const list = element("dl", "shortcuts-list");
  for (const [keys, what] of SHORTCUTS) {
    const row = element("div");
    const term = element("dt");
    keys.forEach((key, i) => {
      if (i) term.append(" or ");
      term.append(element("kbd", "", key));
    });
    row.append(term, element("dd", "", what));
    list.append(row);
  }
  const note = element("p", "shortcuts-note", "They work on pages that list papers, never while you type in a field.");
  inner.append(head, list, note);
  dialog.append(inner);

  dialog.addEventListener("click", (event) => {
    if (event.target === dialog) dialog.close(); // the backdrop: the inner box fills the dialog
  });
  dialog.addEventListener("keydown", (event) => {
    if (event.key !== "Tab") return;
    // Keep Tab inside: showModal() makes the page inert, but Tab could still leave for the browser's controls
    const stops = Array.from(dialog.querySelectorAll("button, a[href]"));
    const first = stops[0];
    const last = stops[stops.length - 1];
    if (event.shiftKey ? document.activeElement === first : document.activeElement === last) {
      event.preventDefault();
      (event.shiftKey ? last : first).focus();
    }
  });
  document.body.append(dialog);
  return dialog;
}

function typing(target) {
  return target instanceof Element && (target.isContentEditable || target.closest("input, textarea, select") !== null);
}

document.addEventListener("keydown", (event) => {
  if (event.defaultPrevented || event.isComposing || event.ctrlKey || event.altKey || event.metaKey) return;
  if (typing(event.target) || document.querySelector("dialog:modal")) return;
  if (!document.querySelector(LISTS)) return;
  const key = event.key;
  if (key === "?") {
    event.preventDefault();
    if (!help) help = helpDialog();
    help.showModal(); // closing it gives the focus back to what had it (the dialog's own closing steps)
    return;
  }
  if (event.shiftKey) return;
  let done = false;
  if (key === "j" || key === "k") {
    done = move(key === "j" ? 1 : -1);
  } else if (key === "o") {
    done = open();
  } else if (key === "s") {
    done = save();
  }
  if (done) event.preventDefault();
});
