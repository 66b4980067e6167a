"""Partner contacts linked to the measures of a pathway: who delivers each measure (issue 23)."""
