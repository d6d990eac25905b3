#!/usr/bin/env python3
"""Paper Digest's command line: `python build.py --help` lists the commands."""

import os
import sys

if __name__ == "__main__":
    try:
        from site_src.cli import main  # the command handles Ctrl+C from here on, but imports take 0.2 s

        code = main()
        sys.stdout.flush()
        sys.stderr.flush()
    except KeyboardInterrupt:  # during the imports: a traceback through them said nothing
        print("\nInterrupted.", file=sys.stderr)
        sys.exit(130)
    except BrokenPipeError:  # the output was piped to a command that stopped reading (`| head -1`)
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # nothing left to flush at exit
        sys.exit(1)
    import multiprocessing
    import threading

    if multiprocessing.active_children() or threading.active_count() > 1:
        sys.exit(code)  # the preview stopped mid-build, say: a normal exit stops what is still running
    if sys.getprofile() is not None or sys.gettrace() is not None:
        sys.exit(code)  # run under a profiler or coverage, which report when the script has ended
    # Nothing else runs: freeing a build's millions of objects one by one, as a normal exit does,
    # took 0.05 s of a day's build at 10k papers.
    os._exit(code)
