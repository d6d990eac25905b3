/* Paper Digest in the browser: the one script every page loads (a module, so deferred). Each
   feature is a module of its own that does nothing on a page without its markup, and every page
   works without any of them: they add to pages, they never hold their content. */
import "./search-ui.6364879b71.js";
import "./cite.78878894be.js";
import "./keyboard.806b4f0ff8.js";
