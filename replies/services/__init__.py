"""Every write of the replies app, one module per topic (callers import the topic module)."""
