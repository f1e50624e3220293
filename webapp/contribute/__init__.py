"""The contributors' web door, on the web app's floor: sign-in and sessions (web.py), who may do what (access.py),
the contribute, review and suggest pages (pages.py), a submission's staged records on the map (preview.py) and
their templates (templates/). The intake it serves (readers, checks, the contributions store, accounts, the
workflow) is the package contrib/, a floor below."""
