"""End-to-end tests against a real mosquitto and the real Rhasspy 2.5 NLU and dialogue manager."""
