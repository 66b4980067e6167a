"""The partner registry: partner organisations and their contacts, stored and audited."""
