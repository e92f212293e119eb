"""The questions rsn answers, one module each, on any store (the meaning is in api.md)."""
