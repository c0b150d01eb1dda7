"""The quest service over HTTP."""
