"""What every part of core builds on, and which builds on nothing of the app's: the one error type,
the scrubbing of secrets from text, the version, and the process's garbage-collection tuning."""
