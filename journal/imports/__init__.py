"""Bringing a history in: Daylio CSV and backups, a plain spreadsheet, and our own JSON export.

`parsing` and the format modules are pure code (bytes in, entries out); `merge` turns entries
into one daily check-in per date (docs/IMPORT.md); `service` writes them through the record
kernel in the caller's transaction. The formats are described in docs/IMPORT.md.
"""
