"""Every write of the knowledge base, by topic: ``articles`` (create, update, publish, archive; the one status
writer), ``categories``, ``feedback`` (the help centre's votes) and ``cases`` (an article from a ticket)."""
