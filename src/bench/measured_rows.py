"""Reading a benchmark script's measured rows (a .tsv kept beside its page) for the table scripts that write the page,
with a one-line error naming the file and the script that writes it."""
import sys


def read(path, fields, table, writer):
    """The rows of PATH, each FIELDS tab-separated values; TABLE (this script) and WRITER (the one that wrote PATH) name
    them in the error."""
    try:
        rows = [line.rstrip("\n").split("\t") for line in open(path) if line.strip()]
    except OSError as e:
        sys.exit(f"{table}: cannot read the rows file {path} ({e.strerror}); give the .tsv {writer} wrote")
    if not rows or any(len(r) != fields for r in rows):
        sys.exit(f"{table}: {path} is not {writer}'s rows ({fields} tab-separated fields per line); give the .tsv it wrote")
    return rows
