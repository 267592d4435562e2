"""Every write of the webhooks app, one module per topic: ``outbox`` (events written in the change's
transaction), ``endpoints``, ``delivery`` (signed POSTs, retries, the relay, the purge). Import the topic module.
"""
