"""reports: per-owner quality reports (HTML + CSV) and their delivery by e-mail."""
