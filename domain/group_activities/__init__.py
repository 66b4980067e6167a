"""Group activities: one social-cohesion event, group course session or outing, many attendees."""
