"""Our custom_components, imported before Home Assistant starts: its loader imports the name
`custom_components` once, and the test harness puts its own testing_config first on sys.path
when `hass` starts. The test directory is laid out by ../test_home_assistant.py as
custom_components/__init__.py beside custom_components/legcramp (a link to the repository's)."""
import custom_components  # noqa: F401
