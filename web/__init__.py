"""The HTTP side of Pathways: a JSON API under `/api/v1` (pages and sign-in come later)."""
