"""The command line: a table of commands, each calling the library and a view."""
