"""`server.py demo`: the whole life of an intro in one command, in a temporary directory."""
