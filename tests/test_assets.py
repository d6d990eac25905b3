"""Fingerprinted static files, and ES modules' relative imports rewritten to their dependencies'
fingerprinted names (site_src/pages/assets.py)."""

from __future__ import annotations

import posixpath
import re

from site_src.errors import Problems
from site_src.inputs import reader
from site_src.inputs.settings import ROOT
from site_src.pages.assets import Asset, fingerprint_all

FOLDER = "templates/static"
MODULES = {
    "query.js": b"export const words = (text) => text.split(' ');\n",
    "score.js": b'import { words } from "./query.js";\nexport const score = (t) => words(t).length;\n',
    "data.js": b'import { score } from \'./score.js\';\nimport "./query.js";\nexport { words } from "./query.js";\n',
    "ui.js": b'const data = () => import("./data.js");\nconst also = import( "./lib/extra.js" );\n',
    "lib/extra.js": b'export * from "../query.js";\n',
    "other.js": b"Array.from('./query.js'); // not an import\n",
    "style.css": b'@import "./query.js";\n',
}


def fingerprint(files: dict[str, bytes]) -> tuple[dict[str, Asset], list[str]]:
    problems = Problems()
    assets = fingerprint_all(files, problems, FOLDER)
    return assets, [str(p) for p in problems]


def test_imports_name_the_fingerprinted_files_the_importer_is_published_beside() -> None:
    assets, problems = fingerprint(MODULES)
    assert problems == []
    name = {n: a.path.rsplit("/", 1)[-1] for n, a in assets.items()}
    score = MODULES["score.js"].decode()
    assert assets["score.js"].data.decode() == score.replace("./query.js", f"./{name['query.js']}")
    assert assets["data.js"].data.decode().splitlines() == [
        f"import {{ score }} from './{name['score.js']}';",
        f'import "./{name["query.js"]}";',
        f'export {{ words }} from "./{name["query.js"]}";',
    ]
    ui = assets["ui.js"].data.decode()
    assert f'import("./{name["data.js"]}")' in ui and f'import( "./lib/{name["lib/extra.js"]}" )' in ui
    assert assets["lib/extra.js"].path == f"assets/lib/{name['lib/extra.js']}"
    assert assets["lib/extra.js"].data.decode() == f'export * from "../{name["query.js"]}";\n'
    # each rewritten specifier, resolved against the importer's own published path, is a published file
    published = {a.path for a in assets.values()}
    for asset in assets.values():
        for specifier in re.findall(r"""\b(?:from\s*|import\s*\(?\s*)["'](\.\.?/[^"']+)""", asset.data.decode()):
            if asset.name.endswith(".js"):
                assert posixpath.normpath(posixpath.join(posixpath.dirname(asset.path), specifier)) in published


def test_only_imports_in_scripts_are_rewritten() -> None:
    assets, _ = fingerprint(MODULES)
    assert assets["other.js"].data == MODULES["other.js"]  # Array.from("./…") is no import
    assert assets["style.css"].data == MODULES["style.css"]  # nor is CSS's @import


def test_a_changed_dependency_changes_every_importers_address_and_nothing_else() -> None:
    before, _ = fingerprint(MODULES)
    after, _ = fingerprint({**MODULES, "query.js": MODULES["query.js"] + b"// changed\n"})
    changed = {n for n in MODULES if before[n].path != after[n].path}
    # query.js; what imports it (score, data, lib/extra); ui.js, which imports data and lib/extra
    assert changed == {"query.js", "score.js", "data.js", "lib/extra.js", "ui.js"}
    leaf, _ = fingerprint({**MODULES, "ui.js": MODULES["ui.js"] + b"// changed\n"})
    assert {n for n in MODULES if before[n].path != leaf[n].path} == {"ui.js"}


def test_fingerprints_do_not_depend_on_the_order_files_come_in() -> None:
    forwards, _ = fingerprint(MODULES)
    backwards, _ = fingerprint(dict(reversed(MODULES.items())))
    assert forwards == backwards
    assert list(forwards) == sorted(MODULES)


def test_an_import_of_a_missing_file_is_an_error_at_its_line() -> None:
    files = {"a.js": b'import { b } from "./b.js";\n\nconst c = import("./c.js");\n', "b.js": b"export const b = 1;\n"}
    assets, problems = fingerprint(files)
    assert problems == [
        f'{FOLDER}/a.js:3: imports "./c.js", which is not in {FOLDER}/ (add the file or fix the import)'
    ]
    assert b'import("./c.js")' in assets["a.js"].data  # left as it was
    assert b'"./b.js"' not in assets["a.js"].data


def test_an_import_cycle_is_an_error() -> None:
    files = {"a.js": b'import "./b.js";\n', "b.js": b'\nimport "./a.js";\n', "c.js": b'import "./c.js";\n'}
    _, problems = fingerprint(files)
    assert problems == [
        f"{FOLDER}/b.js:2: import cycle a.js → b.js → a.js (a fingerprint cannot cover itself: break the cycle)",
        f"{FOLDER}/c.js:1: import cycle c.js → c.js (a fingerprint cannot cover itself: break the cycle)",
    ]


def test_the_shipped_scripts_link_up() -> None:
    problems = Problems()
    static = reader.load_static(ROOT / "templates" / "static", problems)
    assets = fingerprint_all(static, problems, FOLDER)
    assert problems.items == []
    ui = assets["search-ui.js"].data.decode()
    for module in ("search-data.js", "search-results.js", "search-query.js", "search-plan.js", "search-score.js"):
        assert f'import("./{assets[module].path.removeprefix("assets/")}")' in ui, module


NEWER_THAN_SAFARI_15 = {
    "a lookbehind in a regular expression (Safari 16.4)": re.compile(r"\(\?<[=!]"),
    "Array.prototype.at (Safari 15.4)": re.compile(r"\.at\(-?\d"),
    "findLast and findLastIndex (Safari 15.4)": re.compile(r"\.findLast(?:Index)?\("),
    "structuredClone (Safari 15.4)": re.compile(r"\bstructuredClone\("),
    "Object.hasOwn (Safari 15.4)": re.compile(r"\bObject\.hasOwn\("),
    "copying array methods (Safari 16)": re.compile(r"\.(?:toSorted|toReversed|toSpliced)\("),
    "a static initialisation block (Safari 16.4)": re.compile(r"\bstatic\s*\{"),
}


def test_the_scripts_use_nothing_newer_than_safari_15() -> None:
    """A lookbehind stopped the whole search module from loading on Safari before 16.4, and `.at()`
    threw at every query before 15.4: the scripts are kept to what Safari 15 runs (docs/building.md)."""
    found = [
        f"{path.name}:{number}: {what}"
        for path in sorted((ROOT / "templates" / "static").glob("*.js"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        for what, pattern in NEWER_THAN_SAFARI_15.items()
        if pattern.search(line)
    ]
    assert found == []
