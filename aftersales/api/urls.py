from django.urls import path

from . import views

urlpatterns = [
    path("aftersales/requests/", views.RequestListCreateApi.as_view(), name="aftersales-request-list"),
    path("aftersales/requests/<id:pk>/", views.RequestDetailApi.as_view(), name="aftersales-request-detail"),
    path(
        "aftersales/requests/<id:pk>/transitions/",
        views.RequestTransitionApi.as_view(),
        name="aftersales-request-transition",
    ),
    path(
        "aftersales/requests/<id:pk>/evidence/", views.RequestEvidenceApi.as_view(), name="aftersales-request-evidence"
    ),
    path(
        "aftersales/requests/<id:pk>/approval-requests/",
        views.RequestApprovalRequestApi.as_view(),
        name="aftersales-request-approval",
    ),
    path("aftersales/requests/<id:pk>/offers/", views.RequestOfferApi.as_view(), name="aftersales-request-offer"),
    path("aftersales/offers/<id:pk>/answer/", views.OfferAnswerApi.as_view(), name="aftersales-offer-answer"),
    path("aftersales/approvals/", views.ApprovalListApi.as_view(), name="aftersales-approval-list"),
    path(
        "aftersales/approvals/<id:pk>/decision/",
        views.ApprovalDecisionApi.as_view(),
        name="aftersales-approval-decision",
    ),
    path("aftersales/evidence/<id:pk>/file/", views.EvidenceFileApi.as_view(), name="aftersales-evidence-file"),
]
