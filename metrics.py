"""Prometheus metrics, one set per process (scrape every process's /metrics, or sum them).

`server.py serve` runs its worker as a child process: it sets PROMETHEUS_MULTIPROC_DIR before
this module is first imported (prometheus_client then keeps each process's values in a file
there), and its /metrics sums both processes' files (`exposition`)."""
from __future__ import annotations

import os

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
)

RECEIVED = Counter("baton_messages_received_total", "Messages accepted over SMTP (answered 250)")
PROCESSED = Counter("baton_messages_processed_total", "Messages processed, by outcome", ["outcome"])
FAILED = Counter("baton_messages_failed_total", "Processing attempts that raised (retried, then failed)")
OUTBOX = Counter("baton_outbox_total", "Outbound deliveries, by result", ["result"])  # sent retried failed suppressed
SMTP_ACCEPT = Histogram("baton_smtp_accept_seconds", "End of DATA to the 250 (the durable commit)",
                        buckets=(0.001, 0.0025, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5))
SMTP_REFUSED = Counter("baton_smtp_sessions_refused_total", "SMTP connections answered 421 (over a session cap)")
ANALYSIS = Histogram("baton_analysis_seconds", "Time to analyse one message",
                     buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1))
# Set at scrape time from the database; across processes the latest value set is the value.
QUEUE_DEPTH = Gauge("baton_queue_depth", "Messages received and not yet processed", multiprocess_mode="mostrecent")
QUEUE_AGE = Gauge("baton_queue_oldest_seconds", "Age of the oldest message not yet processed",
                  multiprocess_mode="mostrecent")
OUTBOX_PENDING = Gauge("baton_outbox_pending", "Outbound mail waiting to be sent", multiprocess_mode="mostrecent")


def exposition() -> tuple[bytes, str]:
    """The /metrics page and its content type: this process's values, or in multiprocess mode
    every process's, summed."""
    if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        return generate_latest(), CONTENT_TYPE_LATEST
    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry)
    return generate_latest(registry), CONTENT_TYPE_LATEST
