"""A partner's figures (issue 23): what a partner contact records, disputed, resolved, corrected.

A figure is one step a partner recorded on a measure (`domain.partner_records.recording`
says which).
A caseworker may dispute it (it shows as disputed until resolved), accept it, or, for a work
grant's monthly hours, correct it with a reason; the month's allowance follows the correction
once. docs/partners.md, "What partners record".
"""
