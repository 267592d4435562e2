"""Every write to buyers, orders and linked accounts, one module per topic: import the topic module."""
