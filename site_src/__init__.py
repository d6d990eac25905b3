"""Paper Digest: a static site generator for a curated digest of machine-learning papers.

How data flows, one line per module (the folders are the stages):

  content/ ──► inputs ──► catalog ──► pages ──► build.output ──► public/
                             │                      ▲
                             └──► search ───────────┘      serve: watch ► fast render ► build ► reload

inputs/    the curator's files decoded, parsed and checked, every problem with its file and line
  reader        the only module that reads them: finds files, decodes UTF-8, one newline policy
  yaml_lines    YAML whose mappings and sequences remember the line of each key and item
  front_matter  Markdown files split into YAML front matter and body
  schema        a file kind's keys declared once, as dataclass fields; mappings checked against them
  settings      content/site.yaml (SiteSettings) and the command line's BuildOptions
  taxonomy      content/topics.yaml, and the curator's choice of topics for a paper
  paper_keys    what a digest entry or a note may say about a paper (arxiv, authors, links, ...)
  page_text     a pasted page's blocks told apart by shape (title, abstract, page text) and paired
  digest        digest files (pasted trending-page text, or YAML) into dated lists of entries
  notes         the curator's per-paper notes, content/notes/<slug>.md
  hand_pages    hand-written pages, content/pages/<slug>.md
catalog/   the site's data: no I/O, no HTML
  model         frozen dataclasses: Entry, DigestFile, Note, Topic, Paper, Digest, Catalog
  merge         digests merged into papers (one per identity), slugs, topics and notes applied
  terms         words into terms for topics and related papers (and why search has its own)
  topics        topic assignment: each topic's profile matched against a paper's words
  epoch         the papers whose statistics weigh terms for related papers (those before the newest month)
  related       related papers: TF-IDF cosine over sparse matrices, recomputed in part while the epoch holds
  topic_stats   papers per digest, co-occurring topics, the `topics` command's table
pages/     the catalog as Markdown pages, rendered to HTML, plus every other file of the site
  urls          every slug, link and output path, and the guarantee that paths stay inside
  kinds         a frozen dataclass per page kind: what its template sees and its front matter
  paginator     a topic's papers cut into pages that stay put as papers arrive
  maker         the catalog into Markdown pages (PageMaker), named by cheap PageSpecs, most outlined
  yaml_writer   the front matter written as deterministic YAML
  render        Markdown pages through Jinja (autoescape, StrictUndefined) into HTML
  assets        static files under fingerprinted names
  api           JSON API, sitemap.xml and robots.txt
  feeds         Atom and JSON Feed for the site, each topic and each digest, keyed; an OPML of them all
search/    the client-side search, prebuilt
  analysis      words into lunr terms exactly as lunr.js makes them in the browser
  lunrindex     a lunr index built in one pass, written whole or in pieces
  files         the index pieces, result store, filter lists, manifest and the /search/ page
  kept          the epoch's index pieces and statistics, remembered for the month's next builds
build/     running a build
  keys          every cache key: what each remembered result is made from
  cache         what earlier builds computed, for incremental builds, kept as checked JSON
  memos         how each kind of remembered result is written to the cache and read back, checked
  builder       build(): nothing to do (unchanged), or the stages (pipeline), imported only then
  unchanged     a build whose inputs and output are as the last one left them: nothing to do
  gather        every input parsed where it changed, then merged into the catalog
  parallel      pure functions over forked workers; one task in a side process
  workers       pages made, keyed, rendered and staged in worker processes
  output        the only module that writes: a staging folder (new files, links to unchanged ones), swapped in at once
  pipeline      the stages in order (STAGES), and the summary of a build
serve/     the preview server: `build.py serve`
  server        build, serve, watch, rebuild, live reload of the tabs whose page changed, error overlay
  fast_render   on a save, only the pages open in tabs, made from the changed inputs, for serving from memory
add/       new digests: `build.py add`
  saving        the day's file, never replacing a digest unasked, the line that says what was added
  paste         a pasted trending-papers page saved as a digest
  daily_papers  the Hugging Face daily-papers API's answer (JSON) as entries, problems at JSON places
  fetch         the tool's one network access: a GET, each failure one problem
  yaml_digest   entries written as a YAML digest a curator reads, edits and diffs
  hf_import     a saved or fetched answer into a checked YAML digest
markup          untrusted text cleaned, shortened, shown literally in Markdown; Markdown into safe HTML
errors          Source (path, line), problems, BuildError, and "did you mean" hints
cli             the command line: the one place that catches BuildError and picks an exit code
"""

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
# Before numpy is imported: its OpenBLAS starts a thread per extra core that spins between calls, and
# nothing here multiplies dense matrices (scipy's sparse products do not use it). The spinning took
# 0.26 CPU s of a day's build at 10k papers, on the core the side processes run on.
