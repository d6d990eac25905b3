"""Paper Digest: a static site generator for a curated digest of machine-learning papers.

The modules, in the order data flows through them:

Reading and parsing
- `content`   reads the curator's files (the only module that reads them), one encoding and newline policy
- `config`    site.yaml settings and command-line options
- `yamldoc`   YAML and front matter that keep source lines, checked against small schemas
- `digest`    digest files (trending-page text or YAML) into dated lists of entries
- `notes`     the curator's per-paper notes
- `topics`    the taxonomy and topic assignment (TF-IDF over each topic's profile)
- `inputs`    every input parsed where it changed, then merged into the catalog

The catalog
- `model`     the frozen dataclasses everything above produces
- `catalog`   digests merged into papers, with slugs, topics and notes applied
- `related`   related papers (TF-IDF cosine over sparse matrices)
- `topic_stats`, `topic_report`  per-topic charts and co-occurrence; the `topics` command's table

Pages and files
- `urls`      slugs, links and output paths
- `markup`    untrusted text into safe Markdown, Markdown into HTML
- `text`      plain-text helpers
- `pages`     the catalog as Markdown pages (front matter + body), named by cheap specs
- `render`    Markdown pages through Jinja templates into HTML
- `pagework`  pages made, keyed, rendered and staged in forked worker processes
- `assets`    fingerprinted static files
- `api`       JSON API, sitemap and robots.txt
- `feeds`     Atom and JSON Feed for the site, each topic and each digest; OPML of the topic feeds
- `analysis`  words and search terms, as the browser's search code makes them
- `lunrindex` a lunr index built in one pass, written whole or in pieces
- `search`    the search's index pieces, result store, manifest and /search/ page

Running a build
- `cache`     what earlier builds computed, keyed by content hashes (incremental builds), kept as JSON
- `memos`     how each kind of remembered result is written to the cache and read back, checked
- `parallel`  pure functions mapped over forked workers; one task in a side process
- `output`    the only module that writes: a staging folder (new files, links to unchanged ones), swapped in at once
- `pipeline`  the stages in order
- `serve`     the preview server: watch, rebuild, live reload, error overlay, safe file serving
- `add`       a pasted trending-papers page saved as a digest
- `cli`       the command line
"""
