"""The worker: claims stored messages and runs the pipeline on each (inbound -> composer -> outbound)."""
