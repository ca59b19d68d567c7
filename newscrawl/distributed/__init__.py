"""Distributed mode (NEWSCRAWL_REDIS_URL): many workers share one crawl through Redis (docs/SCALING.md).

Belongs here: the Redis client, key names and worker names (mode.py), the leased frontier (frontier.py, its
queue in queue.py, the two engine internals it reads in engine_adapter.py), the seeding of the start entries
under a lease (seeding.py) and the shared politeness budget (shared_budget.py). Not here: the Redis state store (state/redis.py), which keeps the same
records as the SQLite one behind one interface.
"""
