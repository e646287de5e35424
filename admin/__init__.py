"""The back office: officials' pages, behind a login."""
