"""Every write of the work-distribution app, one module per topic (routing, presence, assignment, shifts,
handover). Callers import the topic module."""
