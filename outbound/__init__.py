"""Delivery of Baton's mail: transports (Maildir, SMTP relay) and the outbox worker."""
