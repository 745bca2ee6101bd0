"""Running several API processes behind HAProxy on their own PostgreSQL and Redis
(``python -m deploy.cluster``; see docs/scaling.md)."""
