"""The model: frozen records (dates, events, procedures, cases, what-ifs) and the rules
they obey. Reads no files and imports nothing above it."""
