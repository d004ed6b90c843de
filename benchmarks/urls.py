"""The portal's URLs plus a hello-world page, the throughput baseline: the same middleware, session and log-in as
any page (it is not exempt from log-in), and nothing else."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from portal.urls import urlpatterns as portal_urlpatterns


def hello(request: HttpRequest) -> HttpResponse:
    return HttpResponse("hello")


urlpatterns = [*portal_urlpatterns, path("bench/hello/", hello, name="bench-hello")]
