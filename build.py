#!/usr/bin/env python3
"""Paper Digest's command line: `python build.py --help` lists the commands."""

import sys

if __name__ == "__main__":
    try:
        from site_src.cli import main  # the command handles Ctrl+C from here on, but imports take 0.2 s

        sys.exit(main())
    except KeyboardInterrupt:  # during the imports: a traceback through them said nothing
        print("\nInterrupted.", file=sys.stderr)
        sys.exit(130)
