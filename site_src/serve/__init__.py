"""The preview server: build, serve, watch, rebuild, live reload."""
