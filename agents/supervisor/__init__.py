"""The supervisor's floor: live queue and agent figures and the city reports."""
