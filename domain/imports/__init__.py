"""Importing what an organisation already keeps in a spreadsheet: the files' columns and the
rules each row is checked by, pure (docs/import.md)."""
