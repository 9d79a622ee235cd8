"""ethics."""
