"""SMTP: listening and durable intake."""
