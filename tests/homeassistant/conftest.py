"""inner/ runs in the Home Assistant venv, never in ours (test_home_assistant.py starts it)."""
collect_ignore = ["inner"]
