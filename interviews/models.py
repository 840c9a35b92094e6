"""Interview slots, bookings and notes for the shortlisted (issue 15, item 4)."""
