"""The HTTP adapter: a bare ASGI app around the engine, served by uvicorn."""
