"""Search, prebuilt: lunr index pieces, a result store and the /search/ page."""
