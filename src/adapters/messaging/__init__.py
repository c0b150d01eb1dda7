"""Moving committed events from the outboxes to their consumers: the relay and the publisher.

:mod:`.relay` drains the services' outboxes into a publisher, woken at commit; :mod:`.dramatiq`
is the publisher that sends each event as a Dramatiq message to every queue consuming it.
"""
