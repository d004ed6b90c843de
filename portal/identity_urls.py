"""Identity URLs, namespace "portal": registration, people, municipalities, conflicts, mail, the audit log."""

from django.urls import path

from portal.views import audit, municipalities, notifications, people, registration, tokens

app_name = "portal"

urlpatterns = [
    path("register/", registration.RegisterView.as_view(), name="register"),
    path("register/sent/", registration.RegisterSentView.as_view(), name="register-sent"),
    path("register/verify/<str:token>/", registration.VerifyEmailView.as_view(), name="register-verify"),
    path("invitations/<str:token>/", registration.InvitationAcceptView.as_view(), name="invitation-accept"),
    path("municipalities/search/", registration.MunicipalitySearchView.as_view(), name="municipality-search"),
    path("municipalities/", municipalities.MunicipalityListView.as_view(), name="municipality-list"),
    path("municipalities/<text:code>/", municipalities.MunicipalityDetailView.as_view(), name="municipality-detail"),
    path(
        "municipalities/<text:code>/correct/",
        municipalities.MunicipalityCorrectView.as_view(),
        name="municipality-correct",
    ),
    path("municipalities/<text:code>/invite/", registration.InviteEditorView.as_view(), name="invite-editor"),
    path("manage/registrations/", people.RegistrationListView.as_view(), name="registration-list"),
    path("manage/registrations/<int:pk>/", people.RegistrationDetailView.as_view(), name="registration-detail"),
    path("manage/registrations/<int:pk>/letter/", people.RegistrationLetterView.as_view(), name="registration-letter"),
    path(
        "manage/registrations/<int:pk>/<str:decision>/",
        people.RegistrationDecideView.as_view(),
        name="registration-decide",
    ),
    path("manage/users/", people.UserListView.as_view(), name="user-list"),
    path("manage/users/new/", people.StaffUserCreateView.as_view(), name="staff-user-create"),
    path("manage/users/<int:pk>/active/", people.UserActiveView.as_view(), name="user-active"),
    path("account/api-tokens/", tokens.ApiTokenListView.as_view(), name="api-tokens"),
    path("account/api-tokens/<int:pk>/revoke/", tokens.ApiTokenRevokeView.as_view(), name="api-token-revoke"),
    path("notifications/", notifications.NotificationListView.as_view(), name="notification-list"),
    path("notifications/read-all/", notifications.NotificationReadAllView.as_view(), name="notification-read-all"),
    path("notifications/<int:pk>/open/", notifications.NotificationOpenView.as_view(), name="notification-open"),
    path("manage/mail/templates/", notifications.MailTemplateListView.as_view(), name="mail-template-list"),
    path("manage/mail/templates/<str:event>/", notifications.MailTemplateEditView.as_view(), name="mail-template-edit"),
    path(
        "manage/mail/templates/<str:event>/preview/",
        notifications.MailTemplatePreviewView.as_view(),
        name="mail-template-preview",
    ),
    path(
        "manage/mail/templates/<str:event>/reset/",
        notifications.MailTemplateResetView.as_view(),
        name="mail-template-reset",
    ),
    path("manage/mail/log/", notifications.SentMailListView.as_view(), name="sent-mail-list"),
    path("manage/mail/outbox/", notifications.MailingListView.as_view(), name="mailing-list"),
    path("manage/mail/outbox/<int:pk>/", notifications.MailingDetailView.as_view(), name="mailing-detail"),
    path(
        "manage/mail/outbox/<int:pk>/<str:decision>/",
        notifications.MailingDecideView.as_view(),
        name="mailing-decide",
    ),
    path("manage/audit/", audit.AuditLogView.as_view(), name="audit-log"),
    path("conflicts/", people.ConflictListView.as_view(), name="conflict-list"),
    path("conflicts/<int:pk>/withdraw/", people.ConflictWithdrawView.as_view(), name="conflict-withdraw"),
]
