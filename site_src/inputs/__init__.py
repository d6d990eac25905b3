"""Reading: the curator's files decoded, parsed and checked, each problem with its file and line."""
