"""The cramp diary: every conversation that reaches advice can leave one episode behind.

Import-light on purpose: the voice shells import this package on every start, so nothing here
pulls in sqlite3 or platformdirs. Use the submodules:

- `skill.diary.store`: the SQLite file (`Diary`, `Episode`, `DiaryError`, `default_path`);
- `skill.diary.summary`: pure counts over episodes (what the skill can say about history);
- `skill.diary.report`: a one-page HTML report for a doctor's visit, and its chart;
- `skill.diary.cli`: `legcramp diary`.
"""
