"""Pages of the replies app, one module per topic."""
