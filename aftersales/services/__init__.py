"""Every write to after-sales requests, one module per topic: import the topic module.

Each service locks the request row, checks, saves, writes its audit row (``RequestEvent``) and the ticket
timeline line, then defers side effects to commit. ``transitions.set_status`` is the one function that assigns
``AfterSalesRequest.status``.
"""
