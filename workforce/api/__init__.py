"""Work distribution API, one module per topic."""
