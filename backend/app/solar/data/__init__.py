"""Reference data shipped with the solar engine (a package so the files install with it)."""
