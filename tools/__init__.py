"""Tools for the people who run the system (not part of any service)."""
