/* Paper Digest reading list, the Save buttons and the header's count. Every paper in a list
   (`li.paper-item`) and every paper page (`article.paper`) has a hidden
   `<button class="save-toggle" aria-pressed="false">`: this module shows it and makes it keep the
   paper on the reader's list ("Save", pressed "Saved"; its accessible name adds the paper's title,
   "Save: Pointer Networks").
   Search results make theirs with `saveButton`. The header's "Reading list" link gets the number of
   saved papers. Every button and the count follow changes made here or in another tab. Without
   JavaScript, or where the browser keeps no data, the buttons stay hidden. */

import { available, isSaved, onChange, papers, remove, save } from "./reading-store.js";

function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

/** The last segment of a link's path: "/topics/music/" → "music". */
function lastSegment(href) {
  return new URL(href, location.href).pathname.split("/").filter(Boolean).pop() || "";
}

function listed(node) {
  return (node.dataset.listed || "").split(" ").filter(Boolean);
}

function topicsIn(chips) {
  return Array.from(chips, (a) => ({ slug: lastSegment(a.href), name: a.textContent.trim() }));
}

/** The paper a list item or a paper page shows, read from its markup. */
function paperOf(node) {
  if (node.matches("article.paper")) {
    return {
      slug: node.dataset.paper,
      title: node.querySelector("h1").textContent.trim(),
      url: location.origin + location.pathname,
      topics: topicsIn(node.querySelectorAll(".paper-header .chips a")),
      listed: listed(node),
    };
  }
  const link = node.querySelector(".paper-title a");
  return {
    slug: node.dataset.paper,
    title: link.textContent.trim(),
    url: link.href,
    topics: topicsIn(node.querySelectorAll(".chips a")),
    listed: listed(node),
  };
}

function show(button) {
  const pressed = isSaved(button.dataset.slug);
  const label = pressed ? "Saved" : "Save";
  button.setAttribute("aria-pressed", String(pressed));
  button.setAttribute("aria-label", label + ": " + button.dataset.title);
  button.querySelector(".save-label").textContent = label;
}

/** Makes `button` the Save toggle of `paper` ({slug, title, url, topics, listed}). */
function wire(button, paper) {
  button.dataset.slug = paper.slug;
  button.dataset.title = paper.title; // the accessible name: "Save: <title>", starting as the label does
  button.replaceChildren(element("span", "save-label", "Save"));
  button.addEventListener("click", () => {
    if (isSaved(paper.slug)) remove(paper.slug);
    else save(paper);
  });
  show(button);
  button.hidden = false;
  return button;
}

/** A Save toggle for a paper shown by script (search results); hidden where it cannot work. */
export function saveButton(paper) {
  const button = element("button", "save-toggle", "Save");
  button.type = "button";
  button.setAttribute("aria-pressed", "false");
  button.hidden = true;
  return available ? wire(button, paper) : button;
}

function showCount() {
  const count = papers().length;
  for (const link of document.querySelectorAll("a[data-saved-count]")) {
    let badge = link.querySelector(".saved-count");
    if (!count) {
      if (badge) badge.remove();
      continue;
    }
    if (!badge) {
      badge = element("span", "saved-count");
      link.append(badge);
    }
    badge.textContent = " (" + count + ")";
  }
}

if (available) {
  for (const button of document.querySelectorAll("button.save-toggle")) {
    const holder = button.closest("li.paper-item[data-paper], article.paper[data-paper]");
    if (holder) wire(button, paperOf(holder));
  }
  showCount();
  onChange(() => {
    for (const button of document.querySelectorAll("button.save-toggle[data-slug]")) show(button);
    showCount();
  });
}
