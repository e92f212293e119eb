"""The questions rsn answers, one module each, on any store through its port. What each
answer means is the README's contract ("The HTTP API" and its sections)."""
