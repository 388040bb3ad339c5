"""Keeping personal data only as long as the city's policy says: the policy, the purge, and its daily run."""
