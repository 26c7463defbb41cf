"""The PostgreSQL backend: connections (a pool per process), migrations, and the store."""
