"""The access log: who read which pathway's personal data, when, why and through what."""
