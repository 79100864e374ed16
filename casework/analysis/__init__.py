"""Analysis over loaded records: paths through a procedure, bulk replay, archives."""
