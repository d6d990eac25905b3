// Paper Digest preview: reload when this page is rebuilt, show build problems over the page.
// Injected by `build.py serve` into the pages it serves; never part of a published build.
// The tab names its page and the hash of the bytes it was served: the server counts the page as
// viewed (rendering it first on a change) and says when those bytes changed, so it should reload.
(() => {
  "use strict";
  const script = document.currentScript;
  const shownBuild = script.dataset.build;
  const scrollKey = "paper-digest-preview-scroll:" + location.pathname;
  let overlay = null;

  const styles = document.createElement("link");
  styles.rel = "stylesheet";
  styles.href = "/_preview/live.css";
  document.head.append(styles);

  const saved = sessionStorage.getItem(scrollKey);
  if (saved !== null) {
    sessionStorage.removeItem(scrollKey);
    // Once the page is laid out (its stylesheet loaded), and "instant": the site scrolls smoothly,
    // which would slide the page down from the top on every reload.
    const restore = () => window.scrollTo({ top: Number(saved), behavior: "instant" });
    if (document.readyState === "complete") restore();
    else window.addEventListener("load", restore, { once: true });
  }

  function showProblems(problems) {
    if (overlay === null) {
      overlay = document.createElement("section");
      overlay.className = "preview-overlay";
      overlay.setAttribute("role", "alert");
      overlay.setAttribute("aria-labelledby", "preview-overlay-title");
      const title = document.createElement("h2");
      title.id = "preview-overlay-title";
      title.textContent = "The site could not be rebuilt";
      const note = document.createElement("p");
      note.textContent = "The last good build is still served. Fix the file and save: this message goes away by itself.";
      const list = document.createElement("pre");
      overlay.append(title, note, list);
      document.body.append(overlay);
    }
    overlay.querySelector("pre").textContent = problems.join("\n");
  }

  function clearProblems() {
    if (overlay !== null) {
      overlay.remove();
      overlay = null;
    }
  }

  // The last build's warnings, folded in a corner: the site was built, but a warning may mean a
  // paper left out (a title without its abstract). Unfolded, it stays so across reloads.
  const warningsKey = "paper-digest-preview-warnings-open";
  let warningsPanel = null;

  function showWarnings(warnings, count) {
    if (count === 0) {
      warningsPanel?.remove();
      warningsPanel = null;
      return;
    }
    if (warningsPanel === null) {
      warningsPanel = document.createElement("details");
      warningsPanel.className = "preview-warnings";
      warningsPanel.open = sessionStorage.getItem(warningsKey) === "open";
      warningsPanel.addEventListener("toggle", () => {
        sessionStorage.setItem(warningsKey, warningsPanel.open ? "open" : "closed");
      });
      warningsPanel.append(document.createElement("summary"), document.createElement("pre"));
      document.body.append(warningsPanel);
    }
    const gave = count === 1 ? "1 warning" : `${count} warnings`;
    warningsPanel.querySelector("summary").textContent = `The last build gave ${gave}`;
    const more = count > warnings.length ? [`… and ${count - warnings.length} more: the terminal lists them all`] : [];
    warningsPanel.querySelector("pre").textContent = [...warnings, ...more].join("\n");
  }

  const query = new URLSearchParams({ page: location.pathname, build: shownBuild });
  const events = new EventSource("/_preview/events?" + query);
  events.addEventListener("state", (event) => {
    const state = JSON.parse(event.data);
    showWarnings(state.warnings, state.warning_count); // the last good build's, also while a build fails
    if (state.problems.length > 0) {
      showProblems(state.problems);
    } else if (state.reload ?? state.build !== shownBuild) {
      sessionStorage.setItem(scrollKey, String(window.scrollY));
      history.scrollRestoration = "manual"; // ours, not the browser's, which lands near it
      location.reload();
    } else {
      clearProblems();
    }
  });
})();
