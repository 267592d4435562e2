"""replies: every write, one module per topic (callers import the topic module)."""
