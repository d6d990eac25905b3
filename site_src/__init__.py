"""Paper Digest: a static site generator for a curated digest of machine-learning papers.

The modules, in the order data flows through them:

- `content`  reads the curator's files (the only module that reads), one encoding and newline policy
- `config`   site.yaml settings and command-line options
- `yamldoc`  YAML and front matter that keep source lines, checked against small schemas
- `digest`   digest files (trending-page text or YAML) into dated lists of entries
- `topics`   the taxonomy and automatic topic assignment (TF-IDF against each topic's profile)
- `notes`    the curator's per-paper notes
- `catalog`  digests merged into papers, with slugs, topics and notes applied
- `related`  related papers: sparse TF-IDF cosine over title and abstract, with shared key terms
- `topic_stats` papers per digest and co-occurring topics, for topic pages
- `model`    the frozen dataclasses all of the above produce
- `urls`     slugs, links and output paths
- `markup`   untrusted text into safe Markdown, Markdown into HTML
- `pages`    the catalog as Markdown pages (front matter + body)
- `render`   Markdown pages through Jinja templates into HTML
- `assets`   fingerprinted static files
- `api`      JSON API, sitemap and robots.txt
- `feeds`    Atom and JSON Feed for the site, each topic and each digest; OPML of the topic feeds
- `analysis` words and search terms, as the browser's search code makes them
- `lunrindex` a lunr index built in one pass, written whole or in pieces
- `search`   the search's index pieces, result store, manifest and /search/ page
- `output`   the only module that writes: a staging folder swapped in at once
- `pipeline` the stages in order
- `cli`      the command line
- `topic_report` the table of `build.py topics`: each paper's topics, scores and deciding words
"""
