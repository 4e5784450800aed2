"""Emulated REST methods, one module per area; each module registers its handlers on import."""
