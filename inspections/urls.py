from django.urls import path

from inspections.views import field

urlpatterns = [
    # --- officer field app (inspections/views/field.py)
    path("", field.home, name="home"),
    # --- end of the field app's routes

    # --- supervisor dashboard (inspections/views/dashboard.py), all under dashboard/
    # --- end of the dashboard's routes
]
