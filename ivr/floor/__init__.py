"""The supervisor's floor on the SQL side: finished waits and handled calls, grouped into intervals."""
