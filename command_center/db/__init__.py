"""Database access: engine, embedded server, migrations, change listener. No Qt here."""
