"""Optional read replica: reads go to the `replica` database, writes to `default`.

Enabled by essmap.settings.production when DATABASE_REPLICA_URL is set. Inside a transaction
on the primary (every service write runs in one), reads stay on the primary, so a write and
the reads that check it see the same data. Elsewhere, replica lag applies (usually well under
a second with PostgreSQL streaming replication): pages and API answers may lag a write by that.
"""

from django.db import connections


class ReadReplicaRouter:
    primary = "default"
    replica = "replica"

    def db_for_read(self, model, **hints):
        instance = hints.get("instance")
        if instance is not None and instance._state.db:
            return instance._state.db  # follow the object's own database
        if connections[self.primary].in_atomic_block:
            return self.primary
        return self.replica

    def db_for_write(self, model, **hints):
        return self.primary

    def allow_relation(self, obj1, obj2, **hints):
        return True  # one logical database: the replica mirrors the primary

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == self.primary
