/* Paper Digest in the browser: the one script every page loads (a module, so deferred). Each
   feature is a module of its own that does nothing on a page without its markup, and every page
   works without any of them: they add to pages, they never hold their content. */
import "./search-ui.7244b47d61.js";
import "./cite.78878894be.js";
import "./keyboard.93d62e8132.js";
import "./save-toggle.f255b69ae1.js";
import "./new-since.8fc31f84f5.js";
// The reading list page's own code (exports, import) loads on that page only.
if (document.getElementById("reading-list")) import("./reading-list.104e3f7c36.js");
