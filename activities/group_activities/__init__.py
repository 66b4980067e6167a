"""The group activities capability: telling each attendee's pathway of an activity."""
