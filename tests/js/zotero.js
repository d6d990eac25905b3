// Zotero's own web translators (through ztractor, offline) read a saved page as Zotero would:
// node tests/js/zotero.js < {"url": ..., "html": ...} prints {"success", "translator", "items"}.
import { readFileSync } from "node:fs";
import { JSDOM } from "jsdom";
import { extractMetadata } from "ztractor";

const { url, html } = JSON.parse(readFileSync(0, "utf8"));
const { DOMParser } = new JSDOM("").window;
const result = await extractMetadata({ url, html, network: "deny", timeout: 20000, dependencies: { DOMParser } });
const translator = result.translator && (result.translator.label || result.translator.translatorID || result.translator);
console.log(JSON.stringify({ success: result.success, translator, items: result.items || [], error: String(result.error || "") }));
