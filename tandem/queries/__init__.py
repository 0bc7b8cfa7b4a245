"""Read-side queries: each returns only the rows one view needs, aggregated in SQL."""
