"""Knowledge base services (writes)."""
