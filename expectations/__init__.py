"""Great Expectations suites on the marts, run as the gate before publishing."""
