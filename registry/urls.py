from django.urls import path

from registry import views

app_name = "registry"

urlpatterns = [
    path("premises/", views.premises_search, name="premises_search"),
    path("premises/new/", views.premises_create, name="premises_create"),
    path("imports/", views.imports, name="imports"),
    path("imports/<uuid:pk>/", views.import_job, name="import_job"),
]
