"""Notifications: e-mail from admin-editable templates (logged, sent by Celery, bulk mailings held in an outbox),
in-app notifications, and the log that keeps reminders from repeating. Higher apps call `services.notify`."""
