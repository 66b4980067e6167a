"""Documents attached to a pathway: their kinds, the command and event, and their rules."""
