"""The preview server: build, serve, watch, fast render, rebuild, live reload."""
