"""Acquisition: decision pages from the Ombudsman's website into the run store, a night at a
time (robots.txt, the search listing, polite fetching, what is still owed)."""
