/* Paper Digest search, rendering: the search box in every page's header. Without JavaScript the box
   submits to /search/?q=…; with it, results appear as you type. The search code and index load on
   first focus (or at once when the address has ?q=, as /search/ links do). Keys: / focuses the box,
   arrows move through results, Enter opens one, Esc clears. The query lives in the address (?q=),
   so a link reproduces it and Back restores it. Loading is search-data.js, querying search-core.js. */
(function () {
  "use strict";

  var form = document.querySelector("form.site-search");
  if (!form || !window.fetch || !window.Promise) return;
  var input = form.querySelector("input[name=q]");
  var page = document.getElementById("search-results");
  var onSearchPage = page !== null;
  var PAGE = onSearchPage ? 20 : 8;
  var MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

  var container = page || panel();
  var status = element("p", "search-status");
  status.setAttribute("role", "status");
  status.setAttribute("aria-live", "polite");
  var list = element("ol", "search-results");
  var more = element("p", "search-more");
  container.append(status, list, more);

  var searcher = null;
  var loading = null;
  var latest = 0;
  var current = null;

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  /** Results on pages other than /search/: a section right below the header. */
  function panel() {
    var section = element("section", "search-panel");
    section.id = "search-panel";
    section.setAttribute("aria-label", "Search results");
    section.hidden = true;
    var wrap = element("div", "wrap");
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
      var manifest = fetch(form.dataset.index).then(function (response) {
        if (!response.ok) throw new Error("search index answered " + response.status);
        return response.json();
      });
      var scripts = form.dataset.scripts.split(" ").map(function (src) {
        return new Promise(function (resolve, reject) {
          var script = document.createElement("script");
          script.src = src;
          script.async = false; // run in order: lunr, then the code that uses it
          script.onload = resolve;
          script.onerror = function () {
            reject(new Error("could not load " + src));
          };
          document.head.append(script);
        });
      });
      loading = Promise.all(scripts).then(function () {
        searcher = new window.PaperSearch.Searcher(new window.PaperSearch.Loader(manifest));
        return searcher.loader.ready.then(function () {
          return searcher;
        });
      });
      loading.catch(function () {
        loading = null;
      });
    }
    return loading;
  }

  function setAddress(text) {
    var params = new URLSearchParams(location.search);
    if (text) params.set("q", text);
    else params.delete("q");
    var search = params.toString();
    history.replaceState(history.state, "", location.pathname + (search ? "?" + search : "") + location.hash);
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

  function update(text) {
    var number = ++latest;
    var started = performance.now();
    setAddress(text.trim() ? text : "");
    if (!text.trim()) {
      clear();
      return;
    }
    show(true);
    list.setAttribute("aria-busy", "true");
    if (!searcher) status.textContent = "Loading search…";
    load()
      .then(function (s) {
        return s.search(text, PAGE, function (early) {
          if (number === latest) render(early);
        });
      })
      .then(function (result) {
        if (number !== latest) return;
        render(result);
        list.removeAttribute("aria-busy");
        performance.measure("paper-search", { start: started, detail: { query: text, results: result.hits.length } });
      })
      .catch(function (error) {
        if (number !== latest) return;
        status.textContent = "Search is unavailable right now (" + error.message + ").";
      });
  }

  function plural(count, one, many) {
    return count + " " + (count === 1 ? one : many);
  }

  function describe(result) {
    var text = "“" + result.query.text.trim() + "”";
    var count = result.hits.length;
    var where = result.partial ? " in titles" : "";
    var message =
      count === 0
        ? "No papers match " + text + where + "."
        : plural(count, "paper matches ", "papers match ") +
          text +
          where +
          (result.forgiven ? ", allowing one typo." : ".");
    if (result.unknownTopics.length) {
      var names = searcher.loader.manifest.topics.map(function (t) {
        return t.slug;
      });
      message += " No topic is called “" + result.unknownTopics.join("”, “") + "” (topics: " + names.join(", ") + ").";
    }
    return message;
  }

  function render(result) {
    var focused = list.contains(document.activeElement) ? document.activeElement.getAttribute("href") : null;
    current = result;
    status.textContent = result.partial ? describe(result) + " Searching abstracts…" : describe(result);
    list.replaceChildren();
    append(result, 0, result.records);
    if (focused) {
      var again = list.querySelector('a[href="' + CSS.escape(focused) + '"]');
      (again || input).focus();
    }
  }

  function append(result, start, records) {
    var hits = result.hits.slice(start, start + PAGE);
    hits.forEach(function (hit) {
      list.append(item(result.terms(hit), records.get(hit.ref)));
    });
    more.replaceChildren();
    var shown = start + hits.length;
    if (shown >= result.hits.length) return;
    if (onSearchPage) {
      var button = element("button", "search-more-button", "Show more results");
      button.type = "button";
      button.addEventListener("click", function () {
        searcher.more(result, shown, PAGE).then(function (next) {
          if (current !== result) return;
          var focusAt = list.children.length;
          append(result, shown, next);
          var link = list.children[focusAt] && list.children[focusAt].querySelector("a");
          if (link) link.focus();
        });
      });
      more.append(button);
    } else {
      var all = element("a", "search-all", "All " + result.hits.length + " results");
      all.href = form.action + "?q=" + encodeURIComponent(result.query.text);
      more.append(all);
    }
  }

  function runs(target, parts) {
    parts.forEach(function (part) {
      target.append(part.mark ? element("mark", "", part.text) : document.createTextNode(part.text));
    });
    return target;
  }

  function shortDate(iso) {
    var parts = iso.split("-");
    var date = element("time", "", +parts[2] + " " + MONTHS[+parts[1] - 1] + " " + parts[0]);
    date.dateTime = iso;
    return date;
  }

  function item(terms, record) {
    var PS = window.PaperSearch;
    var manifest = searcher.loader.manifest;
    var li = element("li", "search-result");
    var heading = element(onSearchPage ? "h2" : "p", "search-result-title");
    var link = element("a");
    link.href = manifest.papers + record.slug + "/";
    heading.append(runs(link, PS.marks(record.title, terms)));
    var meta = element("p", "search-result-meta");
    var names = record.topics.map(function (slug) {
      var topic = manifest.topics.find(function (t) {
        return t.slug === slug;
      });
      return topic ? topic.name : slug;
    });
    meta.append(element("span", "search-result-topics", names.join(" · ")), " · ");
    record.dates.forEach(function (iso, i) {
      if (i) meta.append(", ");
      meta.append(shortDate(iso));
    });
    var snippet = runs(element("p", "search-result-snippet"), PS.snippet(record.abstract, terms, 220, record.title));
    li.append(heading, meta, snippet);
    return li;
  }

  function links() {
    return Array.from(list.querySelectorAll(".search-result-title a"));
  }

  input.addEventListener("focus", function () {
    load().catch(function () {});
  });
  input.addEventListener("input", function () {
    update(input.value);
  });
  input.addEventListener("keydown", function (event) {
    if (event.key === "ArrowDown" && links().length) {
      event.preventDefault();
      links()[0].focus();
    } else if (event.key === "Escape") {
      event.preventDefault();
      clear();
    }
  });
  container.addEventListener("keydown", function (event) {
    var all = links(), at = all.indexOf(document.activeElement);
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
  form.addEventListener("submit", function (event) {
    if (onSearchPage) event.preventDefault(); // results are already here
  });
  document.addEventListener("keydown", function (event) {
    var target = event.target;
    var typing = target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName);
    if (event.key === "/" && !typing && !event.ctrlKey && !event.metaKey && !event.altKey) {
      event.preventDefault();
      input.focus();
      input.select();
    }
  });

  var asked = new URLSearchParams(location.search).get("q");
  if (asked) {
    input.value = asked;
    update(asked);
  } else if (onSearchPage) {
    input.focus();
  }
})();
