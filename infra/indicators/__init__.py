"""FAMI monitoring: the indicator-facts projection, its queries and exports (issue 7)."""
