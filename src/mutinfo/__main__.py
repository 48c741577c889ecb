"""``python -m mutinfo``: the same command line as the ``mutinfo`` script."""

from mutinfo.cli import main

main()
