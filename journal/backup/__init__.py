"""Whole-database backups and restores (`flask backup PATH`, `flask restore PATH`).

Three formats, told apart by their first bytes:

- SQLite: a copy made with sqlite3's online backup API, so pages still in the WAL are included
  and writers carry on meanwhile (a plain file copy misses acknowledged writes);
- PostgreSQL: `pg_dump --format=custom` when pg_dump is on PATH (restored with pg_restore);
- logical (any database, or `--logical`): gzipped JSON lines with every row of every table in
  the models' metadata, read in one snapshot, so tables added later are included unasked.

The master key that wraps per-user encryption keys (instance/master_key or the environment) is
never in a backup: keep it separately, or the restored keys cannot be unwrapped.
"""
