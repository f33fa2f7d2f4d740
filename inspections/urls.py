from django.urls import path

from inspections.views import field

urlpatterns = [
    # --- officer field app (inspections/views/field.py)
    path("", field.home, name="home"),
    path("inspections/start/", field.inspection_start, name="inspection_start"),
    path("inspections/<uuid:pk>/", field.inspection_detail, name="inspection_detail"),
    path("inspections/<uuid:pk>/autosave/", field.inspection_autosave, name="inspection_autosave"),
    path("inspections/<uuid:pk>/results/", field.inspection_results, name="inspection_results"),
    path("inspections/<uuid:pk>/submit/", field.inspection_submit_view, name="inspection_submit"),
    path("inspections/<uuid:pk>/people/new/", field.encounter_add_view, name="encounter_add"),
    path("inspections/<uuid:pk>/people/<uuid:encounter_pk>/", field.encounter_edit_view, name="encounter_edit"),
    path("inspections/<uuid:pk>/people/<uuid:encounter_pk>/remove/", field.encounter_remove_view,
         name="encounter_remove"),
    # --- end of the field app's routes

    # --- supervisor dashboard (inspections/views/dashboard.py), all under dashboard/
    # --- end of the dashboard's routes
]
