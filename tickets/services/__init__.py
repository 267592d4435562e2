"""Every write to tickets, one module per topic (as Zulip's ``zerver/actions``): import the topic module.

Each service locks the ticket row, checks, saves, writes its event row (which runs ``tickets.hooks``), then
defers side effects (tasks, e-mail) to ``transaction.on_commit``. ``transitions.transition_locked`` is the one
function that assigns ``Ticket.status``.
"""
