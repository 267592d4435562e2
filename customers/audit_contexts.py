"""Where a buyer's information was seen, as the audit log's context says it: a code written with the entry, put in
words when the log is read (``CustomersConfig.ready`` registers them with ``audit.presentation``). A reveal on a
ticket page has the ticket's reference as its context instead."""

from django.utils.translation import gettext_lazy as _

PROFILE = "profile"  # the profile page (its "Show (logged)" button)
ALL_TICKETS = "tickets"  # the list of every ticket of the buyer
ALL_ORDERS = "orders"  # the list of every order of the buyer

LABELS = {
    PROFILE: _("Customer profile"),
    ALL_TICKETS: _("Customer profile: all tickets"),
    ALL_ORDERS: _("Customer profile: all orders"),
}
