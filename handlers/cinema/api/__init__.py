"""connexion operations of contracts/openapi/cinema.yaml (thin adapters over the domain)."""
