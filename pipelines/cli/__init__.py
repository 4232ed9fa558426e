"""The command line front end: parses input, calls :mod:`pipelines.services`, renders."""

from pipelines.cli.main import main

__all__ = ["main"]
