"""replies: browser pages, one module per topic."""
