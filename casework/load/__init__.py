"""Loading: readers that turn scenario files into checked records, keeping each
record's file and line; the scenarios folder (the casebook); ``check``."""
