"""Plain data the whole engine shares: requests, responses, problems, the clock.

Nothing here knows about contracts, behaviours or the HTTP server that carries them.
"""
