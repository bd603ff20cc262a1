"""The double opt-in: the intro's state machine, its links, and what each decision sets off."""
