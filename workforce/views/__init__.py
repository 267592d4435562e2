"""Work distribution pages, one module per topic."""
