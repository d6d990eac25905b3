"""New digests for content/digests/: a pasted trending-papers page."""
