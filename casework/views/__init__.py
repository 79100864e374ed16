"""Views: rich renderables, diagrams, dossiers and exports built from frozen results.
Views only render: they never load, replay or compare."""
