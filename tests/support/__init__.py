"""Test doubles and real-service launchers shared by the collector and integration tests."""
