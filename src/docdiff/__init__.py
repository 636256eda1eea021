"""docdiff: see what changed between two versions of an online spreadsheet."""

__version__ = "0.1.0"
