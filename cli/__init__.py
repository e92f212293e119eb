"""The command line, ``rsn``: an entry point beside the HTTP API."""
