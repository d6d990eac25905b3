/* Paper Digest in the browser: the one script every page loads (a module, so deferred). Each
   feature is a module of its own that does nothing on a page without its markup, and every page
   works without any of them: they add to pages, they never hold their content. */
import "./search-ui.js";
import "./cite.js";
import "./keyboard.js";
import "./save-toggle.js";
import "./new-since.js";
// The reading list page's own code (exports, import) loads on that page only.
if (document.getElementById("reading-list")) import("./reading-list.js");
