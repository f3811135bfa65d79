"""Transport adapters implementing ``handlers.booking.ports`` over the other services' clients."""
