/* Paper Digest in the browser: the one script every page loads (a module, so deferred). Each
   feature is a module of its own that does nothing on a page without its markup, and every page
   works without any of them: they add to pages, they never hold their content. */
import "./search-ui.66fbe52636.js";
import "./cite.78878894be.js";
import "./save-toggle.d08f137ddf.js";
import "./new-since.b808e074b0.js";
// The reading list page's own code (exports, import) loads on that page only.
if (document.getElementById("reading-list")) import("./reading-list.0e78b8f951.js");
