"""On PostgreSQL the database itself refuses to change or delete an audit entry: a trigger raises on every UPDATE and
DELETE of the table, whoever sends it (the ORM, a shell, raw SQL). TRUNCATE (flush, the test database) still works.

SQLite (the embedded mode) gets no trigger: Django rebuilds a SQLite table on most later changes of the model, which
would drop a trigger without a word, and `flush` there deletes row by row. The model and its queryset refuse changes
on both databases.
"""

from django.db import migrations

CREATE = """
CREATE FUNCTION portal_auditentry_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'An audit entry is never changed or deleted (% refused).', TG_OP
        USING ERRCODE = 'restrict_violation';
END;
$$;
CREATE TRIGGER portal_auditentry_refuse_change
    BEFORE UPDATE OR DELETE ON portal_auditentry
    FOR EACH ROW EXECUTE FUNCTION portal_auditentry_refuse_change();
"""
DROP = """
DROP TRIGGER IF EXISTS portal_auditentry_refuse_change ON portal_auditentry;
DROP FUNCTION IF EXISTS portal_auditentry_refuse_change();
"""


def create_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def drop_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("portal", "0008_audit_entry")]

    operations = [migrations.RunPython(create_trigger, reverse_code=drop_trigger)]
