"""Pages and files: the catalog as Markdown pages, rendered through Jinja, plus feeds, data and assets."""
