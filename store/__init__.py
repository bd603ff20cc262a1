"""Storage: tables, engine set-up and the queries the rest of Baton runs. Knows nothing of the rest."""
