"""Cinema service: catalog REST API and gRPC seat inventory on PostgreSQL."""
