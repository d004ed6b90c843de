"""The audit log: one record per admin or committee action (who, when, what, the values before and after), written
by the action's own service in its transaction and never changed afterwards. Services call `services.record`."""
