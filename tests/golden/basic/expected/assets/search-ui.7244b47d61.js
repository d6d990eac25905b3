/* Paper Digest search, the box: the search box in every page's header. Without JavaScript the box
   submits to /search/?q=…; with it, results appear as you type. This module is the only script a
   page loads (type="module", so deferred); the search code and index load on first focus (or at
   once when the address has ?q=, as /search/ links do). Keys: / focuses the box, arrows move
   through results, Enter opens one, Esc clears. The query lives in the address (?q=), so a link
   reproduces it and Back restores it. Loading and searching is search-data.js, what a result
   shows search-results.js. */

const form = document.querySelector("form.site-search");
if (form) searchBox(form);

/** The search code, fetched on first use, resolving to [search-data.js, search-results.js].

    lunr.js (from npm) stays a classic script, added as a <script> element: its UMD wrapper sets a
    global through `this`, which is undefined in a module, so it cannot be imported. The modules
    read that global only when they run a search, so everything loads in parallel. The modules are
    all asked for at once, so that the browser fetches them in parallel rather than each only when
    the module importing it has arrived. The build rewrites these "./…" specifiers to the modules'
    fingerprinted names (site_src/pages/assets.py). */
function searchCode(lunrUrl) {
  const lunr = new Promise((resolve, reject) => {
    const script = document.createElement("script");
    script.src = lunrUrl;
    script.onload = resolve;
    script.onerror = () => {
      reject(new Error("could not load " + lunrUrl));
    };
    document.head.append(script);
  });
  const modules = Promise.all([
    import("./search-data.7733b01c0b.js"),
    import("./search-results.c53e996416.js"),
    import("./search-query.98ef2aee5b.js"),
    import("./search-plan.85882bcf67.js"),
    import("./search-score.d61f50b7fb.js"),
  ]).catch(() => {
    throw new Error("could not load the search code");
  });
  return Promise.all([lunr, modules]).then(([, [data, results]]) => [data, results]);
}

function searchBox(form) {
  const input = form.querySelector("input[name=q]");
  const page = document.getElementById("search-results");
  const onSearchPage = page !== null;
  const PAGE = onSearchPage ? 20 : 8;

  const container = page || panel();
  const status = element("p", "search-status");
  status.setAttribute("role", "status");
  status.setAttribute("aria-live", "polite");
  const list = element("ol", "search-results");
  const more = element("p", "search-more");
  container.append(status, list, more);

  let searcher = null;
  let ready = false; // the index's manifest is in: until then a query says it is loading
  let view = null; // search-results.js, once loaded
  let loading = null;
  let latest = 0;
  let current = null;

  function element(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  /** Results on pages other than /search/: a section right below the header. */
  function panel() {
    const section = element("section", "search-panel");
    section.id = "search-panel";
    section.setAttribute("aria-label", "Search results");
    section.hidden = true;
    const wrap = element("div", "wrap");
    section.append(wrap);
    document.querySelector(".site-header").after(section);
    return wrap;
  }

  function show(visible) {
    if (!onSearchPage) container.parentNode.hidden = !visible;
  }

  /** The search code and the manifest, fetched once, in parallel; resolves to a Searcher. */
  function load() {
    if (!loading) {
      const manifest = fetch(form.dataset.index).then((response) => {
        if (!response.ok) throw new Error("search index answered " + response.status);
        return response.json();
      });
      loading = searchCode(form.dataset.lunr).then(([data, results]) => {
        view = results;
        searcher = new data.Searcher(new data.Loader(manifest));
        return searcher.loader.ready.then(() => {
          ready = true;
          return searcher;
        });
      });
      loading.catch(() => {
        loading = null;
      });
    }
    return loading;
  }

  /** The query in the address; what the page kept of another query's results (`remember`) goes. */
  function setAddress(text) {
    const params = new URLSearchParams(location.search);
    if (text) params.set("q", text);
    else params.delete("q");
    const search = params.toString();
    history.replaceState(null, "", location.pathname + (search ? "?" + search : "") + location.hash);
  }

  /** `fields` kept in the page's history entry: how many results are shown for which query, and the
      scroll, for Back and reload to show them again (`showAgain`). */
  function remember(fields) {
    history.replaceState({ ...history.state, ...fields }, "");
  }

  /** How many results are shown, kept for the query as typed (as the address has it). */
  function rememberShown() {
    remember({ query: input.value, shown: list.children.length });
  }

  function clear() {
    latest++;
    input.value = "";
    setAddress("");
    list.replaceChildren();
    more.replaceChildren();
    status.textContent = "";
    current = null;
    show(false);
  }

  /** The results of `text` shown; resolves to whether they were (not when the search failed, or
      was overtaken by another). */
  function update(text) {
    const number = ++latest;
    const started = performance.now();
    setAddress(text.trim() ? text : "");
    if (!text.trim()) {
      clear();
      return Promise.resolve(false);
    }
    show(true);
    list.setAttribute("aria-busy", "true");
    if (!ready) status.textContent = "Loading search…"; // the code may be in before the index is
    return load()
      .then((s) =>
        s.search(text, PAGE, (early) => {
          if (number === latest) render(early);
        })
      )
      .then((result) => {
        searcher.loader.prefetch(); // the rest of the index, for the next query
        if (number !== latest) return false;
        render(result);
        list.removeAttribute("aria-busy");
        performance.measure("paper-search", { start: started, detail: { query: text, results: result.hits.length } });
        return true;
      })
      .catch((error) => {
        if (number === latest) status.textContent = "Search is unavailable right now (" + error.message + ").";
        return false;
      });
  }

  function render(result) {
    const focused = list.contains(document.activeElement) ? document.activeElement.getAttribute("href") : null;
    current = result;
    const described = view.describe(result, searcher.loader.manifest);
    status.textContent = result.partial ? described + " Searching abstracts…" : described;
    // a result shown just as it was (those from titles, once abstracts are searched too) keeps its
    // element in place: it is not drawn again, and keeps the focus
    const shown = Array.from(list.children);
    const items = resultItems(result, 0, result.records);
    items.forEach((item, i) => {
      if (!shown[i]) list.append(item);
      else if (!shown[i].isEqualNode(item)) shown[i].replaceWith(item);
    });
    for (const extra of shown.slice(items.length)) extra.remove();
    moreButton(result, items.length);
    if (focused) {
      const again = list.querySelector('a[href="' + CSS.escape(focused) + '"]');
      (again || input).focus();
    }
  }

  /** The elements of `count` results from `start` on (a page of them), whose records are given. */
  function resultItems(result, start, records, count = PAGE) {
    const manifest = searcher.loader.manifest;
    return result.hits
      .slice(start, start + count)
      .map((hit) =>
        view.resultItem(result.terms(hit), result.query, records.get(hit.ref), manifest, onSearchPage, result.authorTerms(hit))
      );
  }

  function append(result, start, records, count = PAGE) {
    const items = resultItems(result, start, records, count);
    list.append(...items);
    moreButton(result, start + items.length);
  }

  /** At least `count` results of the query shown, as "Show more results" had shown them before the
      reader left the page: Back shows them again, scrolled where the reader was, with the focus on
      the result they followed (`followed`, its address), so that ↓ goes on to the next (the
      browser left it on <body>); when they left otherwise (""), on the box; null: neither. */
  function showAgain(count, scroll, followed) {
    const result = current;
    const shown = list.children.length;
    const fetching = result && count > shown ? searcher.more(result, shown, count - shown) : Promise.resolve(null);
    return fetching
      .then((records) => {
        if (current !== result) return;
        if (records) {
          append(result, shown, records, count - shown);
          rememberShown();
        }
        if (followed !== null && (!document.activeElement || document.activeElement === document.body)) {
          const link = followed && list.querySelector('a[href="' + CSS.escape(followed) + '"]');
          (link || input).focus({ preventScroll: true });
        }
        if (scroll) window.scrollTo(0, scroll);
      })
      .catch(() => {}); // the first results stay, as they are
  }

  /** "Show more results" (on /search/) or a link to all of them, when more than `shown` match. */
  function moreButton(result, shown) {
    more.replaceChildren();
    if (shown >= result.hits.length) return;
    if (onSearchPage) {
      const button = element("button", "search-more-button", "Show more results");
      button.type = "button";
      button.addEventListener("click", () => {
        searcher.more(result, shown, PAGE).then((next) => {
          if (current !== result) return;
          const focusAt = list.children.length;
          append(result, shown, next);
          rememberShown();
          const link = list.children[focusAt] && list.children[focusAt].querySelector("a");
          if (link) link.focus();
        });
      });
      more.append(button);
    } else {
      const all = element("a", "search-all", "All " + result.hits.length + " results");
      all.href = form.action + "?q=" + encodeURIComponent(input.value); // as typed: the page gives way as the panel did
      more.append(all);
    }
  }

  function links() {
    return Array.from(list.querySelectorAll(".search-result-title a"));
  }

  input.addEventListener("focus", () => {
    load()
      .then((s) => s.loader.prefetch())
      .catch(() => {});
  });
  input.addEventListener("input", () => {
    update(input.value);
  });
  input.addEventListener("keydown", (event) => {
    if (event.key === "ArrowDown" && links().length) {
      event.preventDefault();
      links()[0].focus();
    } else if (event.key === "Escape") {
      event.preventDefault();
      clear();
    }
  });
  container.addEventListener("keydown", (event) => {
    const all = links();
    const at = all.indexOf(document.activeElement);
    if (event.key === "Escape") {
      event.preventDefault();
      clear();
      input.focus();
    } else if (at >= 0 && event.key === "ArrowDown") {
      event.preventDefault();
      if (at + 1 < all.length) all[at + 1].focus();
    } else if (at >= 0 && event.key === "ArrowUp") {
      event.preventDefault();
      (at > 0 ? all[at - 1] : input).focus();
    }
  });
  form.addEventListener("submit", (event) => {
    if (onSearchPage) event.preventDefault(); // results are already here
  });
  document.addEventListener("keydown", (event) => {
    const target = event.target;
    const typing = target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName);
    if (event.key === "/" && !typing && !event.ctrlKey && !event.metaKey && !event.altKey) {
      event.preventDefault();
      input.focus();
      input.select();
    }
  });

  const asked = new URLSearchParams(location.search).get("q");
  if (onSearchPage) {
    // the results come after the page, so the browser's own scrolling back would miss: see showAgain
    history.scrollRestoration = "manual";
    let saving = 0; // the scroll, kept as it changes (a reload does not wait for pagehide's)
    window.addEventListener(
      "scroll",
      () => {
        saving =
          saving ||
          setTimeout(() => {
            saving = 0;
            remember({ scroll: window.scrollY });
          }, 250);
      },
      { passive: true }
    );
    window.addEventListener("pagehide", () => remember({ scroll: window.scrollY }));
    // the result followed (clicked, or Enter on it), for Back to focus again, or "" for any other
    // link (Back then focuses the box); kept as the page is left, since the history entry's state can
    // no longer change once the next page is on its way. A link opened in a new tab leaves nothing.
    document.addEventListener("click", (event) => {
      const link = event.target.closest("a[href]");
      if (!link || event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) return;
      const result = list.contains(link) && link.closest(".search-result-title");
      remember({ query: input.value, shown: list.children.length, followed: result ? link.getAttribute("href") : "" });
    });
  }
  if (asked) {
    input.value = asked;
    const before = (onSearchPage && history.state) || {};
    const again = before.query === asked; // Back (or reload) to these results
    update(asked).then((shown) => {
      if (shown) showAgain(again ? before.shown || 0 : 0, before.scroll || 0, again ? before.followed || "" : null);
    });
  } else if (onSearchPage) {
    input.focus();
  }
}
