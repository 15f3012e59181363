"""The audit trail viewer and the login log."""
